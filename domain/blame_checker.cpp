#include "domain/blame_checker.hpp"

#include <algorithm>
#include <initializer_list>

// How it works: one pass splits the text into words (lower-cased copies live in a single buffer), then each
// rule looks at a trigger word and at the few words around it. Most rules ask "who is the subject?", answered
// by heuristics, because the same words are blame with a person ("Bob forgot to renew the cert") and a plain
// description with a system ("the runbook forgot to mention the cache").
//
// Person-ness, in order of confidence:
//   - @mentions and <@U123> Slack mentions;
//   - pronouns that stand for one person: I, you, he, she, someone, somebody, anyone, whoever;
//   - role nouns: engineer, on-call, developer, DBA, intern, ...;
//   - a capitalised word ("Bob", "Carol") that is not a sentence opener or system name from the stoplist,
//     not an acronym or CamelCase ("DNS", "PagerDuty"), has no determiner in front ("the Ledger") and does
//     not end like a common noun ("Monitoring", "Replication").
// Lower-case names ("bob should have") are not recognised: in chat they look like any other noun.
//
// "We", "the team" and "they" are collectives: a team saying what it should have had is how reviews find
// actions, so counterfactuals about them are not flagged. Idioms that judge effort ("we messed up", "dropped
// the ball") are flagged for any subject but a program. "Nobody" and "no one" are never a culprit.
//
// The ambiguous "X failed to ...": pronouns and mentions always count; a role noun counts unless it is also
// a software term (operator, owner, lead); a capitalised X only counts when the verb is something people do
// and programs do not (notice, check, follow, escalate, ...), because unknown product names are capitalised
// too: "Dave failed to notice" is blame, "Zookeeper failed to elect a leader" is not.

namespace hindsight::domain {
namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

// Word lists are looked up by binary search; they are sorted once, on first use.
class word_set {
public:
    word_set(std::initializer_list<std::string_view> words) : words_(words) {
        std::sort(words_.begin(), words_.end());
    }
    bool contains(std::string_view word) const {
        return std::binary_search(words_.begin(), words_.end(), word);
    }

private:
    std::vector<std::string_view> words_;
};

// ---------------------------------------------------------------------------------------------------------
// Word lists (lower case, straight apostrophes).

const word_set& person_pronouns() {
    static const word_set set{"i", "you", "he", "she", "someone", "somebody", "anyone", "anybody", "whoever"};
    return set;
}

// "They" is here on purpose: it is as often a vendor or a team as a person.
const word_set& collectives() {
    static const word_set set{
        "we",        "us",        "they",       "them",       "team",         "teams",        "everyone",
        "everybody", "folks",     "people",     "org",        "organisation", "organization", "company",
        "squad",     "group",     "department", "management", "leadership",   "vendor",       "vendors",
        "customer",  "customers", "user",       "users",      "client",       "clients"};
    return set;
}

const word_set& nobody_words() {
    static const word_set set{"nobody", "noone", "no-one", "none"};
    return set;
}

const word_set& role_nouns() {
    static const word_set set{
        "engineer",   "engineers",     "operator",       "operators",  "on-call",     "oncall",
        "on-caller",  "oncaller",      "developer",      "developers", "dev",         "devs",
        "admin",      "admins",        "sysadmin",       "sysadmins",  "sre",         "sres",
        "dba",        "dbas",          "intern",         "interns",    "reviewer",    "reviewers",
        "author",     "approver",      "deployer",       "committer",  "responder",   "responders",
        "contractor", "contractors",   "person",         "guy",        "guys",        "teammate",
        "colleague",  "coworker",      "co-worker",      "manager",    "lead",        "hire",
        "newbie",     "junior",        "assignee",       "ic",         "commander",   "maintainer",
        "owner",      "owners",        "employee",       "employees",  "consultant",  "consultants",
        "freelancer", "technician",    "technicians",    "programmer", "programmers", "coder",
        "coders",     "administrator", "administrators", "trainee",    "trainees",    "rookie",
        "newcomer",   "tester",        "testers",        "staffer",    "individual"};
    return set;
}

const word_set& determiners() {
    static const word_set set{"the",   "a",   "an", "this",    "that",  "these", "those", "our",
                              "their", "its", "my", "your",    "his",   "her",   "every", "each",
                              "some",  "any", "no", "another", "which", "what",  "whose"};
    return set;
}

// Capitalised words that are not people: sentence openers, calendar words and the systems incidents are made
// of. A name that collides ("Will", "May") loses; a system missing here is only a risk for the
// counterfactual rules, because "failed to" needs a human verb as well.
const word_set& not_names() {
    static const word_set set{
        // openers and function words
        "the", "this", "that", "these", "those", "it", "its", "we", "our", "they", "their", "there", "here",
        "a", "an", "and", "but", "or", "so", "then", "if", "when", "while", "after", "before", "because",
        "since", "as", "also", "nothing", "no", "nobody", "everyone", "everybody", "each", "every", "some",
        "any", "all", "both", "most", "many", "one", "two", "three", "in", "on", "at", "for", "with",
        "without", "during", "from", "to", "by", "of", "why", "what", "how", "where", "which", "who", "whom",
        "whose", "yes", "maybe", "perhaps", "ideally", "unfortunately", "luckily", "fortunately",
        "apparently", "clearly", "obviously", "honestly", "frankly", "again", "still", "only", "just", "not",
        "never", "once", "later", "eventually", "meanwhile", "overall", "however", "next", "first", "second",
        "finally", "initially", "originally", "ok", "okay", "note", "todo", "update", "edit", "action",
        "actions", "root", "cause", "impact", "timeline", "summary", "lesson", "lessons", "follow-up",
        "followup", "hindsight", "today", "yesterday", "tonight", "tomorrow", "hi", "hey", "thanks", "sorry",
        "please", "let", "lets", "did", "does", "do", "should", "could", "would", "will", "can", "must", "is",
        "was", "are", "were", "has", "had", "have", "sure", "right", "well", "now", "soon", "other", "others",
        "such", "same", "more", "less", "much", "very", "too", "even", "instead", "though", "although",
        "unless", "until", "whether", "either", "neither", "nor", "yet", "like", "per", "via", "re", "fyi",
        "btw", "imo", "afaik", "oh", "ah", "uh", "um", "anyway", "also", "plus", "yeah", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
        "may", "june", "july", "august", "september", "october", "november", "december",
        // the things incidents are made of
        "deploy", "deploys", "deployment", "deployments", "rollout", "rollouts", "rollback", "rollbacks",
        "release", "releases", "build", "builds", "pipeline", "pipelines", "migration", "migrations",
        "script", "scripts", "job", "jobs", "cron", "cronjob", "crontab", "service", "services", "server",
        "servers", "cluster", "clusters", "node", "nodes", "pod", "pods", "container", "containers",
        "database", "databases", "db", "cache", "caches", "queue", "queues", "worker", "workers", "replica",
        "replicas", "primary", "secondary", "leader", "follower", "standby", "certificate", "certificates",
        "cert", "certs", "runbook", "runbooks", "playbook", "playbooks", "pager", "alert", "alerts", "alarm",
        "alarms", "dashboard", "dashboards", "config", "configs", "configuration", "flag", "flags", "feature",
        "features", "healthcheck", "health", "probe", "probes", "load", "balancer", "proxy", "gateway",
        "firewall", "network", "disk", "disks", "memory", "cpu", "backup", "backups", "restore", "failover",
        "autoscaler", "scheduler", "controller", "canary", "canaries", "staging", "production", "prod", "ops",
        "devops", "infra", "infrastructure", "platform", "api", "apis", "app", "apps", "application",
        "frontend", "backend", "client", "clients", "customer", "customers", "user", "users", "traffic",
        "latency", "errors", "error", "retries", "requests", "logs", "metrics", "tracing", "checkout",
        "payments", "billing", "auth", "login", "search", "storage", "ingress", "egress", "incident",
        "outage", "page", "pages", "ticket", "pr", "mr", "commit", "change", "changes", "patch", "hotfix",
        "fix", "bug", "regression", "test", "tests", "suite", "linter", "lint", "tooling", "tool", "tools",
        "process", "policy", "checklist", "review", "reviews", "approval", "freeze", "window", "maintenance",
        "schedule", "rotation", "handoff", "handover", "escalation", "security", "compliance", "legal",
        "support", "sales", "marketing", "finance", "engineering", "vendor", "upstream", "downstream",
        "region", "zone", "datacenter", "retry", "timeout", "timeouts", "everything", "something", "anything",
        "team", "teams",
        // products and protocols
        "dns", "tls", "ssl", "http", "https", "cdn", "vpn", "ldap", "sso", "oauth", "git", "github", "gitlab",
        "bitbucket", "jenkins", "circleci", "travis", "buildkite", "argo", "argocd", "flux", "spinnaker",
        "helm", "docker", "kubernetes", "k8s", "kubectl", "kube", "terraform", "ansible", "chef", "puppet",
        "salt", "pulumi", "packer", "postgres", "postgresql", "mysql", "mariadb", "redis", "memcached",
        "kafka", "rabbitmq", "zookeeper", "etcd", "consul", "vault", "nomad", "nginx", "haproxy", "envoy",
        "istio", "linkerd", "traefik", "caddy", "apache", "tomcat", "prometheus", "grafana", "alertmanager",
        "thanos", "cortex", "mimir", "loki", "tempo", "jaeger", "datadog", "newrelic", "honeycomb", "sentry",
        "splunk", "kibana", "elasticsearch", "elastic", "opensearch", "logstash", "fluentd", "fluentbit",
        "vector", "pagerduty", "opsgenie", "victorops", "statuspage", "slack", "mattermost", "zoom", "jira",
        "confluence", "notion", "launchdarkly", "unleash", "flagsmith", "cloudflare", "fastly", "akamai",
        "varnish", "route53", "aws", "gcp", "azure", "lambda", "cloudwatch", "cloudfront", "iam", "eks",
        "gke", "aks", "certbot", "letsencrypt", "acme", "linux", "windows", "ubuntu", "debian", "java",
        "python", "ruby", "rails", "golang", "rust", "mongo", "mongodb", "cassandra", "clickhouse",
        "snowflake", "bigquery", "airflow", "spark", "celery", "sidekiq", "resque", "nagios", "zabbix",
        "icinga", "pingdom", "uptime", "renovate", "dependabot", "npm", "pip", "maven", "gradle", "webpack",
        "chrome", "firefox", "safari", "ios", "android", "kernel", "systemd", "openssl", "ssh", "bastion",
        "vpc", "subnet", "ntp", "chrony", "bgp", "anycast", "nat", "waf", "ddos", "sql", "graphql", "grpc",
        "rest", "json", "yaml", "hindsight"};
    return set;
}

// Words that never head the subject; looking past them finds it ("Bob had probably forgotten").
const word_set& skippable() {
    static const word_set set{
        "just",       "also",         "really",       "probably",      "definitely", "clearly",
        "obviously",  "simply",       "apparently",   "honestly",      "actually",   "then",
        "still",      "again",        "already",      "never",         "ever",       "maybe",
        "perhaps",    "surely",       "certainly",    "basically",     "literally",  "totally",
        "completely", "accidentally", "mistakenly",   "unfortunately", "somehow",    "had",
        "has",        "have",         "was",          "were",          "is",         "are",
        "be",         "been",         "being",        "got",           "get",        "gets",
        "did",        "does",         "do",           "once",          "first",      "initially",
        "originally", "later",        "subsequently", "immediately",   "quickly",    "evidently",
        "presumably", "supposedly",   "likely",       "kinda",         "kind",       "sort",
        "even"};
    return set;
}

const word_set& conjunctions() {
    static const word_set set{"and", "but", "or", "so", "yet", "nor", "plus", "&"};
    return set;
}

const word_set& prepositions() {
    static const word_set set{"at",    "after", "before", "during",  "on",       "in",      "around",
                              "about", "by",    "from",   "since",   "until",    "when",    "while",
                              "once",  "if",    "as",     "because", "with",     "without", "for",
                              "to",    "of",    "over",   "under",   "whenever", "where"};
    return set;
}

// Things people do and programs do not: used where capitalisation alone is too weak a signal.
const word_set& human_verbs() {
    static const word_set set{
        "notice",  "check",       "double-check", "verify",     "validate",   "follow",  "read",
        "review",  "test",        "escalate",     "notify",     "tell",       "inform",  "communicate",
        "ack",     "acknowledge", "respond",      "reply",      "update",     "mention", "consider",
        "realise", "realize",     "remember",     "confirm",    "look",       "ask",     "document",
        "monitor", "coordinate",  "page",         "call",       "answer",     "catch",   "spot",
        "report",  "flag",        "see",          "understand", "anticipate", "plan",    "prepare",
        "warn",    "wait",        "listen",       "heed",       "pay",        "think",   "bother",
        "care",    "try",         "investigate",  "announce",   "loop",       "involve", "run",
        "hand",    "share",       "lock"};
    return set;
}

// "X should have been paged" is about the paging, not about X.
const word_set& done_to_people() {
    static const word_set set{"paged",     "notified",  "told",      "alerted",   "informed", "woken",
                              "called",    "looped",    "involved",  "included",  "added",    "asked",
                              "consulted", "given",     "granted",   "contacted", "invited",  "cc'd",
                              "copied",    "trained",   "onboarded", "warned",    "reminded", "sent",
                              "shown",     "pinged",    "tagged",    "assigned",  "allowed",  "able",
                              "escalated", "supported", "helped",    "relieved",  "backed"};
    return set;
}

const word_set& irregular_participles() {
    static const word_set set{
        "been",    "done",      "gone",       "known",   "seen",    "taken",   "given",     "written",
        "gotten",  "got",       "run",        "rerun",   "read",    "reread",  "sent",      "built",
        "rebuilt", "caught",    "told",       "brought", "thought", "made",    "found",     "kept",
        "left",    "set",       "put",        "let",     "said",    "paid",    "cut",       "shut",
        "hit",     "held",      "understood", "begun",   "spoken",  "chosen",  "woken",     "driven",
        "fallen",  "forgotten", "frozen",     "hidden",  "broken",  "shown",   "drawn",     "grown",
        "thrown",  "withdrawn", "overridden", "undone",  "redone",  "split",   "spent",     "lost",
        "meant",   "led",       "felt",       "stood",   "won",     "taught",  "sought",    "dealt",
        "met",     "slept",     "stuck",      "struck",  "hung",    "lit",     "rewritten", "mistaken",
        "torn",    "worn",      "reset",      "upheld",  "spun",    "shipped", "sat",       "quit"};
    return set;
}

// After "because <person>": these say what the person saw or did to help, which is not naming a cause of
// the failure ("we rolled back because Alice noticed the error rate").
const word_set& credit_verbs() {
    static const word_set set{
        "noticed",    "saw",      "spotted",     "caught",      "paged",    "escalated",    "rolled",
        "reverted",   "fixed",    "asked",       "suggested",   "helped",   "knew",         "remembered",
        "checked",    "found",    "raised",      "flagged",     "called",   "alerted",      "investigated",
        "mitigated",  "restored", "responded",   "joined",      "acted",    "acknowledged", "acked",
        "was",        "were",     "is",          "are",         "happened", "recognized",   "recognised",
        "realised",   "realized", "added",       "documented",  "tested",   "verified",     "reviewed",
        "confirmed",  "stayed",   "volunteered", "kept",        "took",     "jumped",       "declared",
        "opened",     "wrote",    "reported",    "warned",      "owned",    "knows",        "sees",
        "understood", "spoke",    "stepped",     "coordinated", "handled",  "led",          "drained",
        "failed"};
    return set;
}

const word_set& credit_nouns() {
    static const word_set set{"rollback",      "quick",      "fast",   "prompt",    "fix",     "revert",
                              "response",      "escalation", "help",   "work",      "effort",  "catch",
                              "investigation", "vigilance",  "alert",  "attention", "runbook", "foresight",
                              "experience",    "dashboard",  "script", "tooling"};
    return set;
}

// "error budget", "error rate", "mistake count": the noun is a metric, not an accusation.
const word_set& metric_followers() {
    static const word_set set{"budget",     "budgets",    "rate",      "rates",     "code",      "codes",
                              "message",    "messages",   "handling",  "handler",   "handlers",  "log",
                              "logs",       "count",      "counts",    "page",      "pages",     "spike",
                              "spikes",     "ratio",      "class",     "type",      "types",     "tracking",
                              "threshold",  "thresholds", "domain",    "domains",   "mode",      "modes",
                              "path",       "paths",      "response",  "responses", "reporting", "metric",
                              "metrics",    "percentage", "state",     "status",    "bars",      "boundary",
                              "boundaries", "injection",  "tolerance", "tolerant"};
    return set;
}

const word_set& fault_nouns() {
    static const word_set set{"mistake",   "mistakes",   "error",    "errors",  "typo",    "typos",
                              "oversight", "oversights", "slip",     "slip-up", "slipup",  "blunder",
                              "blunders",  "screwup",    "screw-up", "fuckup",  "fuck-up", "failure"};
    return set;
}

const word_set& character_words() {
    static const word_set set{"careless",      "carelessly",    "carelessness", "negligent",  "negligence",
                              "negligently",   "sloppy",        "sloppily",     "sloppiness", "incompetent",
                              "incompetence",  "incompetently", "reckless",     "recklessly", "recklessness",
                              "irresponsible", "irresponsibly", "pebkac",       "pebcak",     "fat-fingered",
                              "fat-finger",    "fatfingered"};
    return set;
}

// Who-questions that hunt for a culprit rather than for what happened.
const word_set& culprit_verbs() {
    static const word_set set{"did",      "broke",    "caused",       "pushed",  "deployed", "merged",
                              "approved", "forgot",   "changed",      "touched", "deleted",  "dropped",
                              "wrote",    "shipped",  "committed",    "messed",  "screwed",  "missed",
                              "ignored",  "disabled", "removed",      "let",     "ran",      "made",
                              "flipped",  "killed",   "force-pushed", "signed",  "turned",   "restarted",
                              "edited",   "applied",  "bypassed",     "skipped"};
    return set;
}

const word_set& question_leads() {
    static const word_set set{"know",   "out",       "ask",      "asked",      "asking",   "asks",
                              "wonder", "wondering", "wondered", "tell",       "see",      "idea",
                              "clue",   "find",      "figure",   "determine",  "identify", "check",
                              "me",     "guess",     "question", "investigate"};
    return set;
}

const word_set& negations() {
    static const word_set set{"not",      "no",     "never",  "without", "nobody", "avoid",
                              "avoiding", "nor",    "none",   "dont",    "isnt",   "wasnt",
                              "arent",    "werent", "doesnt", "didnt",   "stop"};
    return set;
}

const word_set& bad_outcomes() {
    static const word_set set{"outage",   "outages", "incident", "breakage", "failure",
                              "downtime", "mess",    "problem",  "bug",      "regression",
                              "mistake",  "error",   "screwup",  "disaster"};
    return set;
}

const word_set& system_nouns() {
    static const word_set set{
        "service",   "services",   "team",      "cluster",  "api",         "db",       "database",
        "job",       "server",     "servers",   "app",      "bot",         "pipeline", "config",
        "deploy",    "deployment", "dashboard", "alert",    "alerts",      "queue",    "worker",
        "workers",   "node",       "nodes",     "pod",      "pods",        "proxy",    "gateway",
        "repo",      "repository", "region",    "account",  "bucket",      "table",    "schema",
        "endpoint",  "cron",       "script",    "release",  "build",       "flag",     "certificate",
        "cert",      "zone",       "record",    "records",  "domain",      "instance", "instances",
        "container", "function",   "backend",   "frontend", "integration", "cache",    "store"};
    return set;
}

const word_set& lazy_programs() {
    static const word_set set{"loading",        "load",      "loaded",     "init",     "initialization",
                              "initialisation", "eval",      "evaluation", "import",   "imports",
                              "instantiation",  "binding",   "fetch",      "fetching", "sequence",
                              "sequences",      "evaluated", "consumer",   "consumers"};
    return set;
}

// "Forgot to mention: ..." is a chat aside, not a confession.
const word_set& aside_verbs() {
    static const word_set set{"mention", "say",  "add",  "ask",    "share",
                              "note",    "tell", "post", "attach", "link"};
    return set;
}

// ---------------------------------------------------------------------------------------------------------
// The general rules: a person as the subject of a verb that only a person can be blamed for, or a judgement
// of a person. Each set is a closed class of such words, not a list of incidents.

// Passing over a safeguard on purpose or by neglect ("the SRE ignored the page", "she skipped the review").
const word_set& negligence_verbs() {
    static const word_set set{"ignored",     "ignores",    "ignoring",   "ignore",       "skipped",
                              "skips",       "skipping",   "bypassed",   "bypasses",     "bypassing",
                              "disregarded", "disregards", "overlooked", "circumvented", "sidestepped"};
    return set;
}

// What a capitalised subject must have ignored for it to count: unknown products are capitalised too, and
// "Envoy ignored the route table" is a bug report, while "Bob ignored the runbook" is blame.
const word_set& safeguard_nouns() {
    static const word_set set{
        "alert",     "alerts",       "warning",   "warnings",   "page",     "pages",        "pager",
        "runbook",   "runbooks",     "checklist", "checklists", "review",   "reviews",      "process",
        "policy",    "policies",     "freeze",    "canary",     "test",     "tests",        "linter",
        "lint",      "ticket",       "tickets",   "message",    "messages", "ping",         "pings",
        "procedure", "procedures",   "step",      "steps",      "approval", "approvals",    "advice",
        "guidance",  "instructions", "rules",     "output",     "errors",   "signs",        "feedback",
        "dashboard", "dashboards",   "backup",    "staging",    "docs",     "documentation"};
    return set;
}

// Harm that a program does "as designed" but a person only does by mistake ("the contractor wiped the
// volume"); "took down", "brought down" and "knocked over" are read with their particle.
const word_set& destructive_verbs() {
    static const word_set set{"wiped", "wipes", "nuked", "nukes", "trashed", "clobbered", "hosed", "borked"};
    return set;
}

// "pushed a bad config", "restarted the wrong cluster": a person's verb with a faulty object.
const word_set& faulty_adjectives() {
    static const word_set set{"bad",   "broken",     "wrong",      "untested", "faulty",
                              "buggy", "half-baked", "unreviewed", "botched"};
    return set;
}

// Verbs that deal with a faulty thing rather than make it ("Alice reverted the bad config").
const word_set& remedy_verbs() {
    static const word_set set{"reverted",    "removed",  "replaced", "fixed",    "found",      "rolled",
                              "caught",      "spotted",  "noticed",  "deleted",  "disabled",   "drained",
                              "isolated",    "reported", "flagged",  "traced",   "debugged",   "identified",
                              "pulled",      "yanked",   "blocked",  "rejected", "discovered", "diagnosed",
                              "quarantined", "cordoned", "restored", "repaired", "undid",      "backed"};
    return set;
}

// Insults: nouns and adjectives said only of people.
const word_set& insult_words() {
    static const word_set set{"idiot",    "idiots",   "moron",    "morons",    "moronic",    "clown",
                              "clowns",   "muppet",   "muppets",  "buffoon",   "imbecile",   "dimwit",
                              "halfwit",  "dumbass",  "numpty",   "bozo",      "noob",       "amateurish",
                              "amateurs", "pathetic", "clueless", "brainless", "half-assed", "half-arsed"};
    return set;
}

// Judgements that are insults when a person is their subject ("Grace is useless"), and ordinary criticism
// of a tool ("the dashboard was useless").
const word_set& person_judgements() {
    static const word_set set{"useless",   "hopeless",  "liability", "stupid",      "dumb",
                              "incapable", "worthless", "unfit",     "unqualified", "unreliable",
                              "inept",     "foolish",   "lazy",      "amateur"};
    return set;
}

// "be disciplined", "get fired": the passive of a punishment.
const word_set& punishments() {
    static const word_set set{"fired",     "sacked",  "punished",  "disciplined", "reprimanded",
                              "suspended", "demoted", "penalised", "penalized",   "censured",
                              "ashamed",   "shamed",  "terminated"};
    return set;
}

const word_set& punishment_nouns() {
    static const word_set set{"consequences", "punishment",    "discipline",
                              "disciplinary", "repercussions", "reprimand"};
    return set;
}

// Auxiliaries after "why" / "how" in a question: "why didn't Bob ...", "why would anyone ...".
const word_set& question_auxiliaries() {
    static const word_set set{"did",     "didn't",   "didnt",   "was",      "wasn't", "wasnt",  "were",
                              "weren't", "does",     "doesn't", "doesnt",   "is",     "isn't",  "isnt",
                              "would",   "wouldn't", "could",   "couldn't", "has",    "hasn't", "had",
                              "hadn't",  "do",       "don't",   "dont",     "are",    "aren't", "can't",
                              "cant",    "won't",    "will"};
    return set;
}

// Words that end the reach of a negation: "not X, but Y" and "X because not Y" are two statements.
const word_set& scope_breakers() {
    static const word_set set{"but", "however", "although", "though",  "because", "which",  "so",
                              "yet", "and",     "while",    "whereas", "except",  "instead"};
    return set;
}

// ---------------------------------------------------------------------------------------------------------
// Suggestions, one per kind of finding.

enum class rule : unsigned char {
    counterfactual,
    forgot,
    failed_to,
    did_not,
    fault,
    human_error,
    character,
    blame_word,
    person_as_cause,
    who_did,
    mistake,
    effort_idiom,
    negligence,
    faulty_change,
    punishment,
    insult,
    rhetorical
};

std::string_view suggestion_for(rule r) {
    switch (r) {
        case rule::counterfactual:
            return "Describe what made the action reasonable at the time, and what would make the safer path "
                   "the "
                   "easy one (e.g. 'the checklist did not include a backup step').";
        case rule::forgot:
            return "Describe the step that relied on someone remembering it, and how the system could make "
                   "it hard "
                   "to skip (e.g. 'certificate renewal depended on a calendar reminder').";
        case rule::failed_to:
            return "Describe what the person could see at that moment and why the step was not obvious then "
                   "(e.g. "
                   "'the warning was on a dashboard nobody had open').";
        case rule::did_not:
            return "Describe what the person knew at the time and what would have prompted the step (e.g. "
                   "'the "
                   "runbook did not mention checking replica lag').";
        case rule::fault:
            return "Name the conditions that allowed the failure instead of a person (e.g. 'the deploy tool "
                   "allowed "
                   "pushing to every region at once').";
        case rule::human_error:
            return "Treat 'human error' as where the analysis starts: describe what made the slip easy to "
                   "make and "
                   "hard to catch (e.g. 'the staging and production consoles looked identical').";
        case rule::character:
            return "Describe the conditions around the work (load, tooling, time pressure) instead of "
                   "judging the "
                   "person (e.g. 'the on-call was handling three pages at once').";
        case rule::blame_word:
            return "Ask what made the outcome possible rather than who is to blame (e.g. 'nothing stopped a "
                   "config "
                   "with an empty allow-list from shipping').";
        case rule::person_as_cause:
            return "Name the change or condition as the cause, not the person (e.g. 'a config change without "
                   "validation reached production').";
        case rule::who_did:
            return "Ask what happened and why it made sense at the time instead of who did it (e.g. 'what "
                   "led to "
                   "the change being merged without a second review?').";
        case rule::mistake:
            return "Describe what made the slip easy to make and hard to notice rather than whose it was "
                   "(e.g. 'the "
                   "region flag defaulted to all regions').";
        case rule::effort_idiom:
            return "Describe the concrete gap in process or tooling instead of judging effort (e.g. 'the "
                   "handoff had "
                   "no checklist for open alerts').";
        case rule::negligence:
            return "Describe why skipping the step looked reasonable then (noise, time pressure, an unclear "
                   "runbook) instead of saying someone ignored it (e.g. 'the disk alert had fired daily for "
                   "a month without effect').";
        case rule::faulty_change:
            return "Name the change and what let it through, not who made it (e.g. 'a config with an empty "
                   "allow-list passed review and CI and reached every region').";
        case rule::punishment:
            return "A review is for learning, not punishment: name the actions that make the failure less "
                   "likely (e.g. 'require a second approval for production deletes').";
        case rule::insult:
            return "Judge the system, not the person: describe what made the task hard to do well (e.g. "
                   "'the restore procedure had never been practised').";
        case rule::rhetorical:
            return "Ask a real question about the conditions instead of a rhetorical one about a person "
                   "(e.g. "
                   "'what would have drawn attention to the dashboard at that point?').";
    }
    return {};
}

// ---------------------------------------------------------------------------------------------------------
// Splitting into words.

enum class boundary : unsigned char { none, clause, sentence };

struct token {
    std::size_t begin = 0;  // byte range in the original text
    std::size_t end = 0;
    std::size_t fold_begin = 0;  // range in the lower-cased buffer
    std::size_t fold_size = 0;
    boundary before = boundary::none;  // the strongest punctuation between this word and the previous one
    bool mention = false;
    bool quoted = false;  // inside double quotes: reported speech, not the author's own words
};

enum class glyph_kind : unsigned char { word, apostrophe, space, clause, sentence, other };

struct glyph {
    glyph_kind kind;
    std::size_t size;
};

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Typographic punctuation arrives as UTF-8 (smart quotes, dashes); any other non-ASCII byte, valid or not, is
// treated as part of a word, which keeps names like "José" whole and makes invalid input harmless.
glyph glyph_at(std::string_view text, std::size_t i) {
    char c = text[i];
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
        if (is_alnum(c) || c == '_') return {glyph_kind::word, 1};
        switch (c) {
            case '\'':
                return {glyph_kind::apostrophe, 1};
            case ' ':
            case '\t':
            case '\r':
            case '\f':
            case '\v':
                return {glyph_kind::space, 1};
            case '.':
            case '!':
            case '?':
            case '\n':
            case ':':
                return {glyph_kind::sentence, 1};
            case ',':
            case ';':
            case '(':
            case ')':
            case '"':
            case '[':
            case ']':
            case '{':
            case '}':
            case '-':
                return {glyph_kind::clause, 1};
            default:
                return {glyph_kind::other, 1};
        }
    }
    if (byte == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
        switch (static_cast<unsigned char>(text[i + 2])) {
            case 0x98:  // ‘
            case 0x99:  // ’
                return {glyph_kind::apostrophe, 3};
            case 0x93:  // –
            case 0x94:  // —
            case 0x9C:  // “
            case 0x9D:  // ”
                return {glyph_kind::clause, 3};
            case 0xA2:  // •
            case 0xA6:  // …
                return {glyph_kind::sentence, 3};
            case 0x8B:  // zero-width space
            case 0xAF:  // narrow no-break space
                return {glyph_kind::space, 3};
            default:
                break;
        }
    }
    if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0)
        return {glyph_kind::space, 2};
    return {glyph_kind::word, 1};
}

class analysis {
public:
    explicit analysis(std::string_view text) : text_(text) {
        tokenize();
        run_rules();
    }

    std::vector<blame_finding> take_findings() {
        std::stable_sort(findings_.begin(), findings_.end(),
                         [](const blame_finding& a, const blame_finding& b) { return a.offset < b.offset; });
        // Two rules can fire on the same words ("who broke"); one nudge per stretch of text is enough.
        std::vector<blame_finding> out;
        std::size_t covered_until = 0;
        for (auto& f : findings_) {
            if (!out.empty() && f.offset < covered_until) continue;
            covered_until = f.offset + f.phrase.size();
            out.push_back(std::move(f));
        }
        return out;
    }

private:
    enum class subject : unsigned char { none, pronoun, mention, name, role, collective, nobody, thing };

    static bool is_person(subject s) {
        return s == subject::pronoun || s == subject::mention || s == subject::name || s == subject::role;
    }

    std::string_view text_;
    std::string folded_;
    std::vector<token> tokens_;
    std::vector<blame_finding> findings_;
    std::size_t quote_from_ = npos;  // index of the first token after an open double quote

    // ----- tokens -----

    void append_folded(std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to;) {
            auto g = glyph_at(text_, i);
            if (g.kind == glyph_kind::apostrophe) {
                folded_ += '\'';
            } else {
                for (std::size_t k = 0; k < g.size; ++k) {
                    char c = text_[i + k];
                    folded_ += is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
                }
            }
            i += g.size;
        }
    }

    // A trailing "'s" belongs to the word before it ("@bob's", "Carol’s").
    std::size_t possessive_end(std::size_t end) const {
        if (end >= text_.size()) return end;
        auto g = glyph_at(text_, end);
        if (g.kind != glyph_kind::apostrophe) return end;
        std::size_t s = end + g.size;
        if (s < text_.size() && (text_[s] == 's' || text_[s] == 'S') &&
            (s + 1 >= text_.size() || glyph_at(text_, s + 1).kind != glyph_kind::word))
            return s + 1;
        return end;
    }

    void push_token(std::size_t begin, std::size_t end, boundary& pending, bool mention) {
        token t;
        t.begin = begin;
        t.end = end;
        t.fold_begin = folded_.size();
        append_folded(begin, end);
        t.fold_size = folded_.size() - t.fold_begin;
        t.before = pending;
        t.mention = mention;
        t.quoted = quote_from_ != npos;
        tokens_.push_back(t);
        pending = boundary::none;
    }

    std::size_t scan_word(std::size_t i) const {
        while (i < text_.size()) {
            auto g = glyph_at(text_, i);
            if (g.kind == glyph_kind::word) {
                i += g.size;
                continue;
            }
            std::size_t after = i + g.size;
            if (g.kind == glyph_kind::apostrophe) {
                if (after < text_.size() && is_alnum(text_[after])) {
                    i = after;
                    continue;
                }
                // "the engineers' laptops": a plural possessive keeps its apostrophe.
                if ((text_[i - 1] == 's' || text_[i - 1] == 'S')) return after;
                return i;
            }
            char c = text_[i];
            // Joiners inside a word: "on-call", "db-3.example.com", "14:05", "bob@example.com".
            bool joiner = c == '-' || c == '.' || c == '/' || c == '@' || c == '&' || c == '+' || c == ':';
            if (joiner && after < text_.size() && is_alnum(text_[after])) {
                i = after;
                continue;
            }
            return i;
        }
        return i;
    }

    void tokenize() {
        tokens_.reserve(text_.size() / 5 + 1);
        folded_.reserve(text_.size());
        boundary pending = boundary::sentence;
        std::size_t i = 0;
        const std::size_t n = text_.size();
        while (i < n) {
            auto g = glyph_at(text_, i);
            char c = text_[i];
            if (g.kind == glyph_kind::word) {
                std::size_t end = scan_word(i);
                push_token(i, end, pending, false);
                i = end;
                continue;
            }
            if (c == '@' && i + 1 < n && is_alnum(text_[i + 1])) {
                std::size_t end = i + 1;
                while (end < n &&
                       (is_alnum(text_[end]) || text_[end] == '.' || text_[end] == '_' || text_[end] == '-'))
                    ++end;
                while (text_[end - 1] == '.' || text_[end - 1] == '-') --end;
                end = possessive_end(end);
                push_token(i, end, pending, true);
                i = end;
                continue;
            }
            if (c == '<' && i + 2 < n && text_[i + 1] == '@') {
                // <@U024BE7LH> or <@U024BE7LH|bob>; a bounded look-ahead keeps "<@<@<@..." linear.
                std::size_t end = i + 2;
                while (end < n && end - i < 100 && text_[end] != '>' && text_[end] != '<' &&
                       text_[end] != '\n')
                    ++end;
                if (end < n && text_[end] == '>') {
                    end = possessive_end(end + 1);
                    push_token(i, end, pending, true);
                    i = end;
                    continue;
                }
            }
            track_quote(i, g);
            if (g.kind == glyph_kind::sentence) {
                pending = boundary::sentence;
            } else if (g.kind == glyph_kind::clause && pending == boundary::none) {
                pending = boundary::clause;
            }
            i += g.size;
        }
        // An unbalanced quote is more likely an inch mark or a typo than a quotation running to the end.
        if (quote_from_ != npos)
            for (std::size_t k = quote_from_; k < tokens_.size(); ++k) tokens_[k].quoted = false;
    }

    // Straight quotes toggle; curly ones say which side they are on.
    void track_quote(std::size_t i, glyph g) {
        bool straight = text_[i] == '"';
        bool curly = g.size == 3 && static_cast<unsigned char>(text_[i]) == 0xE2 &&
                     static_cast<unsigned char>(text_[i + 1]) == 0x80;
        bool opens = curly && static_cast<unsigned char>(text_[i + 2]) == 0x9C;
        bool closes = curly && static_cast<unsigned char>(text_[i + 2]) == 0x9D;
        if (straight) {
            opens = quote_from_ == npos;
            closes = !opens;
        }
        if (opens && quote_from_ == npos) quote_from_ = tokens_.size();
        if (closes) quote_from_ = npos;
    }

    std::size_t size() const { return tokens_.size(); }

    std::string_view word(std::size_t i) const {
        if (i >= tokens_.size()) return {};
        return std::string_view(folded_).substr(tokens_[i].fold_begin, tokens_[i].fold_size);
    }

    // Token i exists and continues the clause of token i - 1.
    bool joined(std::size_t i) const { return i < tokens_.size() && tokens_[i].before == boundary::none; }

    std::string_view next_word(std::size_t i) const {
        return joined(i + 1) ? word(i + 1) : std::string_view{};
    }

    std::size_t previous_in_clause(std::size_t i) const { return i > 0 && joined(i) ? i - 1 : npos; }

    std::string_view previous_word(std::size_t i) const {
        auto p = previous_in_clause(i);
        return p == npos ? std::string_view{} : word(p);
    }

    static bool ends_with(std::string_view w, std::string_view suffix) {
        return w.size() > suffix.size() && w.substr(w.size() - suffix.size()) == suffix;
    }

    // "bob's" → "bob", "he's" → "he", "engineers'" → "engineers", "we'd" → "we".
    static std::string_view base(std::string_view w) {
        for (std::string_view suffix : {"'s", "'ve", "'d", "'ll", "'re", "'m"})
            if (ends_with(w, suffix)) return w.substr(0, w.size() - suffix.size());
        if (w.size() > 2 && ends_with(w, "s'")) return w.substr(0, w.size() - 1);
        return w;
    }

    std::size_t skip_forward(std::size_t i, std::initializer_list<std::string_view> words) const {
        while (joined(i) && std::find(words.begin(), words.end(), word(i)) != words.end()) ++i;
        return i;
    }

    // ----- who is it about -----

    bool looks_like_name(std::size_t i) const {
        const token& t = tokens_[i];
        if (t.mention || !is_upper(text_[t.begin])) return false;
        auto w = base(word(i));
        if (w.size() < 2 || not_names().contains(w)) return false;
        // "DNS", "PagerDuty", "S3", "api.example.com" are systems.
        for (std::size_t k = 1; k < w.size(); ++k) {
            char c = text_[t.begin + k];
            if (is_upper(c) || is_digit(c) || c == '.' || c == '/' || c == ':' || c == '_' || c == '@')
                return false;
        }
        for (std::string_view suffix : {"ing", "tion", "sion", "ment", "ness", "ity", "ics", "ism", "age"})
            if (ends_with(w, suffix)) return false;
        auto p = previous_in_clause(i);
        return p == npos || !determiners().contains(word(p));
    }

    subject classify(std::size_t i, int depth = 0) const {
        if (i >= size()) return subject::none;
        auto w = base(word(i));
        if (tokens_[i].mention) {
            for (std::string_view crowd : {"@here", "@channel", "@all", "@everyone"})
                if (w == crowd) return subject::collective;
            if (ends_with(w, "team") || ends_with(w, "squad") || ends_with(w, "group"))
                return subject::collective;
            return subject::mention;
        }
        if (person_pronouns().contains(w)) return subject::pronoun;
        if (nobody_words().contains(w) || (w == "one" && previous_word(i) == "no")) return subject::nobody;
        if (collectives().contains(w)) return subject::collective;
        if (w == "one" && previous_word(i) == "the" && next_word(i) == "who")
            return subject::role;  // "the one who"
        if ((w == "who" || w == "that") && depth == 0) {
            // A question ("Who forgot ...?") or a relative clause whose antecedent decides ("the engineer
            // who").
            if (tokens_[i].before == boundary::sentence)
                return w == "who" ? subject::pronoun : subject::thing;
            return i > 0 ? classify(i - 1, depth + 1) : subject::thing;
        }
        if (role_nouns().contains(w)) return subject::role;
        if (looks_like_name(i)) return subject::name;
        return subject::thing;
    }

    bool possessive_person(std::size_t i) const {
        auto w = word(i);
        if (w == "his" || w == "her" || w == "my" || w == "your" || w == "their") return true;
        if (!ends_with(w, "'s") && !ends_with(w, "s'")) return false;
        auto b = base(w);
        // "he's", "it's", "who's" are contractions, not possessives.
        if (b == "he" || b == "she" || b == "it" || b == "who" || b == "that" || b == "there" || b == "let")
            return false;
        return is_person(classify(i));
    }

    // The subject of the verb phrase starting at token i; *at receives the head word's index.
    subject subject_before(std::size_t i, std::size_t* at = nullptr) const {
        std::size_t k = i;
        for (int steps = 0; k > 0 && joined(k) && steps < 16; ++steps) {
            std::size_t j = k - 1;
            auto w = word(j);
            if (skippable().contains(w)) {
                k = j;
                continue;
            }
            if (conjunctions().contains(w)) return sentence_subject(j, at);
            // "the engineer on call forgot": the role comes before its "on call".
            if ((w == "call" || w == "shift" || w == "duty") && j >= 2 && joined(j) && joined(j - 1) &&
                word(j - 1) == "on") {
                j -= 2;
            }
            if (at) *at = j;
            auto found = classify(j);
            if (!is_person(found)) {
                // "someone on the payments team forgot", "the engineer in charge forgot".
                for (std::size_t m = j, back = 0; m > 1 && joined(m) && back < 4; --m, ++back) {
                    auto mw = word(m - 1);
                    if (mw != "on" && mw != "from" && mw != "in" && mw != "at" && mw != "of") continue;
                    if (!joined(m - 1)) break;
                    auto owner = classify(m - 2);
                    if (owner == subject::pronoun || owner == subject::role) {
                        if (at) *at = m - 2;
                        return owner;
                    }
                    break;
                }
                auto antecedent = relative_antecedent(j);
                if (antecedent != npos) {
                    if (at) *at = antecedent;
                    return classify(antecedent);
                }
            }
            return found;
        }
        // "Bob, who was on call, forgot ...": jump over a parenthetical relative clause to its antecedent.
        if (k > 0 && k < size() && tokens_[k].before == boundary::clause) {
            std::size_t m = k - 1;
            for (int steps = 0; m > 0 && joined(m) && steps < 16; ++steps) --m;
            if ((word(m) == "who") && tokens_[m].before == boundary::clause && m > 0) {
                if (at) *at = m - 1;
                return classify(m - 1);
            }
        }
        return subject::none;
    }

    // "The engineer who wrote the migration forgot ...": the word before the verb ends a relative clause;
    // the subject is the person the clause hangs on, when that person opens the sentence. Returns its index.
    std::size_t relative_antecedent(std::size_t j) const {
        for (std::size_t k = j, steps = 0; k > 1 && joined(k) && steps < 8; --k, ++steps) {
            if (word(k) != "who" && word(k) != "that") continue;
            std::size_t head = k - 1;
            if (!is_person(classify(head)) || (word(k) == "that" && classify(head) != subject::role))
                return npos;
            // Only determiners and modifiers may stand before the head: "Bob paged the engineer who ..." has
            // a verb there, and the engineer is its object.
            std::size_t start = head;
            for (; start > 0 && joined(start); --start) {
                auto w = word(start - 1);
                if (head - start >= 3 || prepositions().contains(w) || ends_with(w, "ed") ||
                    is_person(classify(start - 1)) != role_nouns().contains(base(w)))
                    return npos;
            }
            return tokens_[start].before == boundary::sentence ? head : npos;
        }
        return npos;
    }

    // "Bob pushed the config and forgot to ...": the elided subject is the one the sentence started with.
    subject sentence_subject(std::size_t before, std::size_t* at) const {
        std::size_t s = before;
        for (int steps = 0; s > 0 && tokens_[s].before != boundary::sentence && steps < 64; ++steps) --s;
        if (tokens_[s].before != boundary::sentence) return subject::none;
        while (s < before && (determiners().contains(word(s)) || skippable().contains(word(s)))) ++s;
        if (s >= before || prepositions().contains(word(s))) return subject::none;
        if (at) *at = s;
        return classify(s);
    }

    // The noun phrase starting at token i, read forwards ("because the intern deleted", "due to @bob").
    subject subject_after(std::size_t i, std::size_t* at, bool across_break = false) const {
        if (i >= size() || (!joined(i) && !across_break)) return subject::none;
        auto first = word(i);
        if (first == "the" || first == "a" || first == "an") {
            ++i;
            if (!joined(i)) return subject::none;
        }
        *at = i;
        if (possessive_person(i)) return subject::pronoun;
        auto s = classify(i);
        auto next = next_word(i);
        if (s == subject::role && !next.empty() && next != "'s") {
            if (role_nouns().contains(next)) {
                *at = i + 1;
                return subject::role;
            }
            // "the on-call rotation": the role word is only a modifier.
            bool verb_like = ends_with(next, "ed") || skippable().contains(next) ||
                             conjunctions().contains(next) || prepositions().contains(next) ||
                             next == "who" || ends_with(next, "n't") || next == "forgot" || next == "ran" ||
                             next == "broke" || next == "made" || next == "took" || next == "left" ||
                             next == "should";
            if (!verb_like) return subject::thing;
        }
        if (s == subject::name && system_nouns().contains(next)) return subject::thing;
        return s;
    }

    bool whoever_in_sentence(std::size_t i) const {
        for (int steps = 0; i > 0 && steps < 12; ++steps) {
            if (tokens_[i].before == boundary::sentence) break;
            --i;
            if (word(i) == "whoever") return true;
        }
        return false;
    }

    // Index of a negation within `span` words before i in the same sentence, or npos.
    std::size_t negation_before(std::size_t i, int span) const {
        for (int steps = 0; i > 0 && steps < span; ++steps) {
            if (tokens_[i].before == boundary::sentence) break;
            --i;
            auto w = word(i);
            if (negations().contains(w) || ends_with(w, "n't") || w == "nobody's" || w == "noone") return i;
        }
        return npos;
    }

    static bool is_participle(std::string_view w) {
        return (w.size() >= 4 && ends_with(w, "ed")) || irregular_participles().contains(w);
    }

    // Negation scope, as in NegEx: a negation reaches forward to the end of its clause, or to a word that
    // starts another statement ("not X, but Y"). "We are not looking for someone to blame" is the blameless
    // stance itself; "Nobody was careless" is its conclusion.
    bool negated_in_clause(std::size_t i, int span = 8) const {
        for (int steps = 0; i > 0 && joined(i) && steps < span; ++steps) {
            --i;
            auto w = word(i);
            if (scope_breakers().contains(w)) return false;
            if (negations().contains(w) || ends_with(w, "n't") || w == "nobody's" || w == "noone" ||
                w == "nothing")
                return true;
        }
        return false;
    }

    // "checks" → "check", "verified" → "verify", "monitoring" → "monitor": enough to look a verb up in
    // human_verbs, whatever its tense.
    static bool human_verb_form(std::string_view w) {
        if (human_verbs().contains(w)) return true;
        for (std::string_view suffix : {"s", "es", "ed", "d", "ing"}) {
            if (!ends_with(w, suffix)) continue;
            auto stem = w.substr(0, w.size() - suffix.size());
            if (human_verbs().contains(stem)) return true;
            if (suffix == "ing" || suffix == "ed") {
                std::string with_e(stem);
                with_e += 'e';  // "reading" is handled above, "escalating" needs its e back
                if (human_verbs().contains(with_e)) return true;
            }
        }
        if (ends_with(w, "ied"))  // "verified"
            return human_verbs().contains(std::string(w.substr(0, w.size() - 3)) + "y");
        return false;
    }

    // A role that is also a software term: "the Kubernetes operator", "the service owner".
    bool program_role(std::size_t at) const {
        auto role = base(word(at));
        return role == "operator" || role == "operators" || role == "owner" || role == "owners" ||
               role == "lead" || role == "author" || role == "commander";
    }

    // The person reading of a subject: pronouns, mentions and people's roles always; a capitalised word
    // only with the extra evidence the caller passes (names and product names look alike).
    bool person_subject(subject who, std::size_t at, bool name_evidence) const {
        if (who == subject::pronoun || who == subject::mention) return true;
        if (who == subject::role) return at == npos || !program_role(at) || name_evidence;
        return who == subject::name && name_evidence;
    }

    // ----- findings -----

    void add(std::size_t first, std::size_t last, rule r) {
        // Quoted speech ("the ticket said \"who broke prod?\"") reports words; it is not the author's.
        if (tokens_[first].quoted || tokens_[last].quoted) return;
        const auto begin = tokens_[first].begin;
        const auto end = tokens_[last].end;
        findings_.push_back(
            {std::string(text_.substr(begin, end - begin)), std::string(suggestion_for(r)), begin});
    }

    void run_rules() {
        for (std::size_t i = 0; i < size(); ++i) {
            auto w = word(i);
            if (w.empty()) continue;
            check_counterfactual(i, w);
            check_forgot(i, w);
            check_failed_to(i, w);
            check_did_not(i, w);
            check_fault(i, w);
            check_fault_noun(i, w);
            check_labels(i, w);
            check_blame_word(i, w);
            check_idioms(i, w);
            check_person_as_cause(i, w);
            check_responsible(i, w);
            check_if_had(i, w);
            check_on_person(i, w);
            check_who(i, w);
            check_negligence(i, w);
            check_faulty_object(i, w);
            check_punishment(i, w);
            check_insult(i, w);
            check_rhetorical(i, w);
            check_duty(i, w);
            check_cleft(i, w);
            check_without(i, w);
        }
    }

    // The subject/verb pattern: a person as the subject of a verb of negligence ("our DBA skipped the
    // runbook", "whoever was on call ignored the page") or of destruction ("the contractor wiped the
    // volume", "the trainee took down the auth service").
    void check_negligence(std::size_t i, std::string_view w) {
        bool destructive = destructive_verbs().contains(w);
        std::size_t last = i;
        if ((w == "took" || w == "brought" || w == "knocked") &&
            (next_word(i) == "down" || next_word(i) == "over")) {
            destructive = true;
            last = i + 1;
        }
        if (!destructive && !negligence_verbs().contains(w)) return;
        auto p = previous_word(i);
        if (p == "was" || p == "were" || p == "been" || p == "being" || p == "be" || p == "get" ||
            p == "got") {
            // "the alert was ignored" names nobody; "was ignored by the on-call" names the agent.
            std::size_t agent = npos;
            if (next_word(i) == "by" && is_person(subject_after(i + 2, &agent)) && !negated_in_clause(i))
                add(i, agent, destructive ? rule::faulty_change : rule::negligence);
            return;
        }
        std::size_t at = npos;
        auto who = subject_before(i, &at);
        if (whoever_in_sentence(i)) who = subject::pronoun;
        bool evidence = destructive;
        for (std::size_t k = i + 1, steps = 0; joined(k) && steps < 4 && !evidence; ++k, ++steps)
            evidence = safeguard_nouns().contains(word(k));
        if (!person_subject(who, at, evidence) || negated_in_clause(i)) return;
        add(at != npos && at < i ? at : i, last, destructive ? rule::faulty_change : rule::negligence);
    }

    // "Liam pushed a bad config", "the admin restarted the wrong cluster": a person's verb whose object is
    // faulty. Verbs that deal with the fault ("reverted the bad config") are the fix, not the cause.
    void check_faulty_object(std::size_t i, std::string_view w) {
        if (!faulty_adjectives().contains(w)) return;
        std::size_t v = previous_in_clause(i);
        for (int steps = 0; v != npos && steps < 2 &&
                            (determiners().contains(word(v)) || word(v) == "some" || word(v) == "out");
             ++steps)
            v = previous_in_clause(v);
        if (v == npos) return;
        if (possessive_person(v)) {  // "Frank's broken migration"
            if (!negated_in_clause(v)) add(v, i, rule::faulty_change);
            return;
        }
        auto verb = word(v);
        if (skippable().contains(verb) || prepositions().contains(verb) || conjunctions().contains(verb) ||
            credit_verbs().contains(verb) || (w != "wrong" && remedy_verbs().contains(verb)))
            return;
        if (!ends_with(verb, "ed") && !irregular_participles().contains(verb) && !ends_with(verb, "s"))
            return;  // a past or present verb: "pushed", "ran", "ships"
        std::size_t at = npos;
        auto who = subject_before(v, &at);
        if (!is_person(who) || negated_in_clause(v)) return;
        add(at, i, rule::faulty_change);
    }

    // Calls for punishment: "should be disciplined", "get fired", "held accountable", "face consequences",
    // "heads will roll", "fire the contractor". Denied ones ("nobody will be punished") are the point.
    void check_punishment(std::size_t i, std::string_view w) {
        std::size_t first = i, last = i;
        auto p = previous_word(i);
        if (punishments().contains(w)) {
            bool passive = p == "be" || p == "get" || p == "got" || p == "gets" || p == "getting" ||
                           p == "been" || p == "being" || p == "feel" || p == "was" || p == "were" ||
                           p == "is" || p == "are";
            if (!passive) return;  // "the alert fired", "the disciplined approach"
            first = i - 1;
            // Jobs are suspended and instances terminated every day; only a person makes it a penalty.
            if ((w == "suspended" || w == "terminated") && !is_person(subject_before_modal(first))) return;
        } else if (w == "accountable") {
            auto k = previous_in_clause(i);
            for (int steps = 0; k != npos && steps < 4; ++steps, k = previous_in_clause(k)) {
                auto kw = word(k);
                if (kw == "held" || kw == "hold" || kw == "holding" || kw == "holds") break;
            }
            if (k == npos) return;
            first = k;
        } else if (punishment_nouns().contains(w)) {
            if (p != "face" && p != "faces" && p != "facing" && p != "the" && p != "be" && p != "suffer" &&
                p != "serious" && p != "real")
                return;
        } else if (w == "heads" && joined(i + 1)) {
            auto n = skip_forward(i + 1, {"need", "needs", "to", "will", "should", "must", "have", "are",
                                          "going", "gonna", "may", "might"});
            if (word(n) != "roll" || !joined(n)) return;
            last = n;
        } else if ((w == "fire" || w == "sack") && joined(i + 1)) {
            auto o = word(i + 1);
            std::size_t at = npos;
            bool person = o == "him" || o == "her" || o == "them" || is_person(subject_after(i + 1, &at));
            if (!person) return;
            last = i + 1;
        } else if (w == "example" && p == "an" && next_word(i) == "of") {
            first = i - 2;  // "make an example of"
        } else if (w == "answer" && next_word(i) == "for" && (p == "to" || p == "must" || p == "should")) {
            last = i + 1;
        } else if (!penalty(i, w, p, first, last)) {
            return;
        }
        if (subject_before(first) == subject::nobody || negated_in_clause(first, 10)) return;
        add(first, last, rule::punishment);
    }

    // Penalties with a person as the subject: "should be removed from the on-call rotation", "should
    // apologise", "owes us an apology", "should lose his production access". Sets the span on a match.
    bool penalty(std::size_t i, std::string_view w, std::string_view p, std::size_t& first,
                 std::size_t& last) const {
        if (punishment_moves(i, w, p)) {
            first = i - 1;
            if (!is_person(subject_before_modal(first))) return false;
        } else if ((w == "apologise" || w == "apologize") &&
                   (p == "should" || p == "must" || p == "to" || p == "better")) {
            if (!is_person(subject_before_modal(i))) return false;
        } else if (w == "apology") {
            auto k = previous_in_clause(i);  // "the intern owes us an apology"
            for (int steps = 0; k != npos && steps < 3 && word(k) != "owes" && word(k) != "owe"; ++steps)
                k = previous_in_clause(k);
            if (k == npos || word(k).substr(0, 3) != "owe" || !is_person(subject_before(k))) return false;
            first = k;
        } else if (w == "lose" && (p == "should" || p == "must" || p == "to" || p == "will")) {
            // "should lose his production access": losing what the person holds, as a penalty.
            auto k = i + 1;
            auto poss = word(k);
            if (!joined(k) || (poss != "his" && poss != "her" && poss != "their" && poss != "your"))
                return false;
            for (++k; joined(k) && k < i + 5; ++k) {
                auto kw = word(k);
                if (kw == "access" || kw == "rights" || kw == "privileges" || kw == "job" ||
                    kw == "permissions")
                    break;
            }
            if (!joined(k)) return false;
            last = k;
        } else {
            return false;
        }
        return true;
    }

    // The subject of a verb phrase that starts with modals: "Bob should (really) be ...", "Dave needs to".
    subject subject_before_modal(std::size_t i) const {
        auto k = i;
        while (k > 0 && joined(k)) {
            auto w = word(k - 1);
            if (w != "should" && w != "must" && w != "will" && w != "would" && w != "needs" && w != "need" &&
                w != "to" && w != "has" && w != "have" && w != "really" && w != "probably" && w != "better" &&
                w != "had")
                break;
            --k;
        }
        return subject_before(k);
    }

    // "should be removed from the on-call rotation", "taken off the project": moving a person as a penalty
    // (the caller checks that the subject is a person: "the node should be removed from the pool" is not).
    bool punishment_moves(std::size_t i, std::string_view w, std::string_view p) const {
        bool moved = w == "removed" || w == "taken" || w == "pulled" || w == "kicked" || w == "banned" ||
                     w == "barred" || w == "benched";
        bool passive = p == "be" || p == "been" || p == "being" || p == "get" || p == "got";
        auto n = next_word(i);
        return moved && passive && (n == "off" || n == "from" || w == "benched" || w == "banned");
    }

    // Insults and judgements of competence. Names for people ("idiot", "clown") always; judgements that
    // also fit tools ("useless", "stupid") only as a predicate of a person ("Grace is useless"), or as
    // "dumb enough to".
    void check_insult(std::size_t i, std::string_view w) {
        std::size_t last = i;
        bool hit = insult_words().contains(w);
        bool idiom = false;  // the idioms below carry their own negation ("doesn't know the first thing")
        if (w == "amateur" && next_word(i) == "hour") {
            hit = true;
            last = i + 1;
        }
        if (!hit && person_judgements().contains(w)) {
            if (next_word(i) == "enough") {
                hit = true;
                last = i + 1;
            } else {
                hit = person_predicate(i);
            }
        }
        if (!hit && w == "good" && next_word(i) == "enough" && negated_in_clause(i, 3))
            idiom = person_predicate(i);
        if (!hit && w == "idea" && previous_word(i) == "no" && next_word(i) == "what") {
            auto n = base(next_word(i + 1));  // "no idea what she's doing"
            idiom = n == "he" || n == "she" || n == "they" || n == "you";
            last = i + 1;
        }
        if (!hit && w == "thing" && previous_word(i) == "first" && previous_word(i - 1) == "the" && i >= 3 &&
            (word(i - 3) == "know" || word(i - 3) == "knows") && negated_in_clause(i - 3, 3)) {
            idiom = true;
        }
        if (idiom) {
            add(i, last, rule::insult);
            return;
        }
        if (!hit || negated_in_clause(i)) return;
        add(i, last, rule::insult);
    }

    // "Grace is (just) (a) useless ...": the adjective's clause has a copula whose subject is a person.
    bool person_predicate(std::size_t i) const {
        std::size_t k = previous_in_clause(i);
        for (int steps = 0; k != npos && steps < 4; ++steps, k = previous_in_clause(k)) {
            auto kw = word(k);
            auto b = base(kw);
            bool copula = kw == "is" || kw == "was" || kw == "are" || kw == "were" || kw == "be" ||
                          kw == "been" || kw == "seems" || kw == "seemed" ||
                          (kw != b && kw.size() > 2 && ends_with(kw, "'s"));
            if (!copula) continue;
            if (kw != b) return person_pronouns().contains(b) || looks_like_name(k);  // "he's useless"
            std::size_t at = npos;
            auto who = subject_before(k, &at);
            return is_person(who) && !(who == subject::role && program_role(at));
        }
        return false;
    }

    // Rhetorical questions about a person: "why didn't the on-call engineer check ...?", "why wasn't Raj
    // watching?", "why on earth did Tom ...?", "why would anyone ...?", "how could Dave not see ...?". A
    // plain "why did Alice restart it?" is the review's own question and stays.
    void check_rhetorical(std::size_t i, std::string_view w) {
        if (w != "why" && w != "how") return;
        std::size_t n = i + 1;
        bool intensified = false;
        auto first = next_word(i), second = next_word(i + 1);
        if ((first == "on" || first == "the") &&
            (second == "earth" || second == "hell" || second == "heck" || second == "fuck")) {
            n = i + 3;  // "why on earth did", "why the hell would"
            intensified = true;
        } else if (first == "in" && second == "the" && next_word(i + 2) == "world") {
            n = i + 4;
            intensified = true;
        }
        if (!joined(n) || !question_auxiliaries().contains(word(n))) return;
        auto aux = word(n);
        bool negative = ends_with(aux, "n't") || ends_with(aux, "nt");
        bool modal = aux == "would" || aux == "could";
        std::size_t at = npos;
        auto who = subject_after(n + 1, &at);
        // subject_after reads "the responder page" as a modifier; in a question the bare verb follows.
        if (who == subject::thing && at != npos && classify(at) == subject::role &&
            human_verbs().contains(next_word(at)))
            who = subject::role;
        if (!is_person(who) || (who == subject::role && program_role(at))) return;
        auto after = next_word(at);
        negative = negative || after == "not" || after == "never" || after == "even";
        bool hit = w == "why" ? (negative || intensified || modal) : (negative && (modal || aux == "did"));
        if (hit) add(i, at, rule::rhetorical);
    }

    // Not doing one's job: "wasn't doing her job", "didn't do their job", "never answers his phone",
    // "was supposed to renew the cert but didn't".
    void check_duty(std::size_t i, std::string_view w) {
        if ((w == "job" || w == "duties" || w == "duty") && i >= 2) {
            auto poss = word(i - 1);
            auto verb = word(i - 2);
            bool ok = joined(i) && joined(i - 1) &&
                      (poss == "his" || poss == "her" || poss == "their" || poss == "your" || poss == "my") &&
                      (verb == "do" || verb == "doing" || verb == "does" || verb == "did");
            if (ok && negated_in_clause(i - 2, 3)) add(i - 2, i, rule::did_not);
            return;
        }
        if (w == "never") {
            auto n = skip_forward(i + 1, {"even", "really", "actually", "once"});
            if (!joined(n) || !human_verb_form(word(n)) || ends_with(word(n), "ing")) return;
            std::size_t at = npos;
            auto who = subject_before(i, &at);
            if (person_subject(who, at, true)) add(i, n, rule::did_not);
            return;
        }
        bool ends_clause = !joined(i + 1);
        if (!ends_clause || (w != "didn't" && w != "didnt" && !(w == "not" && previous_word(i) == "did")))
            return;
        for (std::size_t k = i; k > 0 && tokens_[k].before != boundary::sentence; --k) {
            auto kw = word(k - 1);
            if (kw != "supposed" && kw != "meant") continue;
            std::size_t at = npos;
            if (is_person(sentence_subject(k - 1, &at))) add(k - 1, i, rule::did_not);
            return;
        }
    }

    // "It was the intern who deleted the table": a cleft names a culprit unless what follows is credit
    // ("it was Alice who noticed the spike").
    void check_cleft(std::size_t i, std::string_view w) {
        if (w != "who" || !joined(i) || i < 2) return;
        for (std::size_t c = i - 1, steps = 0; c > 0 && steps < 4 && joined(c); --c, ++steps) {
            auto cw = word(c - 1);
            bool copula = ((cw == "was" || cw == "is") && c >= 2 && joined(c - 1) && word(c - 2) == "it") ||
                          cw == "it's";
            if (!copula) continue;
            auto who = classify(i - 1);  // the head of the noun phrase just before "who"
            if (!is_person(who) || (who == subject::role && program_role(i - 1))) return;
            std::size_t at = c;
            auto verb = next_word(i);
            if (verb.empty() || credit_verbs().contains(verb) || verb == "had" || negated_in_clause(c - 1))
                return;
            add(at, i + 1, rule::person_as_cause);
            return;
        }
    }

    // Omitting a check as the manner of a person's action: "the admin deleted the zone without asking
    // anyone", "Sybil restarted the primary without checking replication".
    void check_without(std::size_t i, std::string_view w) {
        if (w != "without" || !joined(i + 1)) return;
        auto g = word(i + 1);
        bool check_step = (ends_with(g, "ing") && human_verb_form(g)) || g == "review" || g == "approval" ||
                          g == "testing" || g == "reviewing";
        if (!check_step) return;
        std::size_t at = npos;
        auto who = sentence_subject(i, &at);
        if (!is_person(who) || (who == subject::role && program_role(at))) return;
        add(i, i + 1, rule::negligence);
    }

    // "Bob should have checked": hindsight about a person. "We should have had an alert" is a gap in the
    // system, "the job should have retried" is about a program, and "should have an alert" is advice.
    void check_counterfactual(std::size_t i, std::string_view w) {
        std::size_t have = npos;
        if ((w == "should" || w == "shouldn't" || w == "shouldnt") && next_word(i) == "have") {
            have = i + 1;
        } else if (w == "should" && next_word(i) == "not" && next_word(i + 1) == "have") {
            have = i + 2;
        } else if (w == "should've" || w == "shouldn't've" || w == "shouldve" || w == "shouldnt've") {
            have = i;
        } else if (w == "ought" && next_word(i) == "to" && next_word(i + 1) == "have") {
            have = i + 2;
        }
        if (have == npos) return;
        std::size_t n =
            skip_forward(have + 1, {"just", "probably", "also", "really", "first", "immediately", "simply",
                                    "actually", "definitely", "clearly", "never", "always", "already", "at",
                                    "least", "maybe", "perhaps", "double"});
        if (!joined(n)) return;
        auto verb = word(n);
        if (verb == "had" || verb == "to") return;  // "should have had access", "should have to"
        if (verb == "been") {
            auto m = skip_forward(n + 1, {"immediately", "also", "automatically", "first"});
            if (done_to_people().contains(word(m))) return;
        } else if (!is_participle(verb) && !(joined(n + 1) && is_participle(word(n + 1)))) {
            return;  // the second chance is for compound verbs: "should have load tested", "smoke tested"
        }
        auto who = subject_before(i);
        if (whoever_in_sentence(i) || is_person(who) || who == subject::none)
            add(i, have, rule::counterfactual);
    }

    void check_forgot(std::size_t i, std::string_view w) {
        if (w != "forgot" && w != "forgotten" && w != "forgets" && w != "neglected" && w != "neglects")
            return;
        if (next_word(i) == "nothing" || next_word(i) == "none") return;
        std::size_t at = npos;
        auto who = subject_before(i, &at);
        if (whoever_in_sentence(i)) who = subject::pronoun;
        if (!is_person(who) && who != subject::none) return;
        bool to = next_word(i) == "to";
        if (to && aside_verbs().contains(next_word(i + 1)) && (who == subject::none || word(at) == "i"))
            return;
        add(i, to ? i + 1 : i, rule::forgot);
    }

    // Programs fail to start all the time; see the note at the top for when a person "failed to".
    void check_failed_to(std::size_t i, std::string_view w) {
        if (w != "failed" && w != "fails" && w != "fail" && w != "failing") return;
        if (next_word(i) != "to") return;
        std::size_t at = npos;
        auto who = subject_before(i, &at);
        bool human = human_verbs().contains(next_word(i + 1));
        // A Kubernetes operator or a service owner field can fail too; a developer or an intern cannot.
        auto role = base(word(at));
        bool program_role = role == "operator" || role == "operators" || role == "owner" ||
                            role == "owners" || role == "lead" || role == "author" || role == "commander";
        if (who == subject::pronoun || who == subject::mention || (who == subject::role && !program_role) ||
            ((who == subject::name || who == subject::role) && human))
            add(i, i + 1, rule::failed_to);
    }

    void check_did_not(std::size_t i, std::string_view w) {
        if (w == "couldn't" && next_word(i) == "be" && next_word(i + 1) == "bothered") {
            if (subject_before(i) != subject::thing) add(i, i + 2, rule::effort_idiom);
            return;
        }
        std::size_t n = npos;
        if (w == "didn't" || w == "didnt") {
            n = i + 1;
        } else if (w == "did" && next_word(i) == "not") {
            n = i + 2;
        }
        if (n == npos) return;
        subject who;
        auto asking = previous_word(i);
        if (asking == "why" || asking == "how") {
            // "Why didn't Oscar check ...?": the subject follows the auxiliary.
            if (!joined(n)) return;
            who = classify(n);
            ++n;
        } else {
            who = subject_before(i);
        }
        n = skip_forward(n, {"even", "really", "just", "actually", "properly", "ever"});
        if (!joined(n)) return;
        auto verb = word(n);
        if (verb == "bother") {
            if (who != subject::thing && who != subject::nobody) add(i, n, rule::effort_idiom);
        } else if (human_verbs().contains(verb) && is_person(who)) {
            add(i, n, rule::did_not);
        }
    }

    void check_fault(std::size_t i, std::string_view w) {
        if (w != "fault" && w != "faults") return;
        if (joined(i + 1) && metric_followers().contains(word(i + 1))) return;  // "fault tolerance"
        auto p = previous_in_clause(i);
        if (p != npos) {
            auto pw = word(p);
            if (pw == "whose") {
                add(p, i, rule::fault);
                return;
            }
            if (pw == "at") {
                std::size_t at = npos;
                auto who = subject_before(p, &at);
                if (is_person(who) && negation_before(p, 3) == npos) add(at, i, rule::fault);
                return;
            }
            if (possessive_person(p) && negation_before(p, 4) == npos) {
                add(p, i, rule::fault);
                return;
            }
        }
        auto next = next_word(i);
        std::size_t who_at = npos;
        if (next == "of" && is_person(subject_after(i + 2, &who_at))) {
            add(i, who_at, rule::fault);
        } else if ((next == "lies" || next == "lay" || next == "is" || next == "was") &&
                   next_word(i + 1) == "with" && is_person(subject_after(i + 3, &who_at))) {
            add(i, who_at, rule::fault);
        }
    }

    // "Ivan's mistake", "a typo by Walter", "Heidi made a mistake". A mistake nobody owns ("it was a mistake
    // to deploy on a Friday") is a judgement about a decision, not about a person.
    void check_fault_noun(std::size_t i, std::string_view w) {
        if (!fault_nouns().contains(w)) return;
        if (joined(i + 1) && metric_followers().contains(word(i + 1))) return;
        auto p = previous_in_clause(i);
        if (p != npos) {
            auto pw = word(p);
            if (pw == "rookie" || pw == "stupid" || pw == "dumb" || pw == "silly" || pw == "idiotic" ||
                pw == "avoidable") {
                add(p, i, rule::mistake);
                return;
            }
            for (std::size_t k = p, steps = 0; k != npos && steps < 2; k = previous_in_clause(k), ++steps) {
                if (possessive_person(k)) {
                    if (negation_before(k, 4) == npos) add(k, i, rule::mistake);
                    return;
                }
            }
        }
        auto next = next_word(i);
        std::size_t who_at = npos;
        if ((next == "by" || next == "of" || next == "from") && is_person(subject_after(i + 2, &who_at))) {
            add(i, who_at, rule::mistake);
            return;
        }
        for (std::size_t k = p, steps = 0; k != npos && steps < 3; k = previous_in_clause(k), ++steps) {
            auto kw = word(k);
            if (kw == "made" || kw == "make" || kw == "makes" || kw == "making") {
                if (is_person(subject_before(k)) && negation_before(k, 3) == npos) add(k, i, rule::mistake);
                return;
            }
        }
    }

    void check_labels(std::size_t i, std::string_view w) {
        if (character_words().contains(w)) {
            // "Nobody was careless; ..." is the blameless conclusion, not a charge.
            if (!negated_in_clause(i)) add(i, i, rule::character);
            return;
        }
        if (w == "lazy" && !lazy_programs().contains(next_word(i)) && negation_before(i, 3) == npos) {
            add(i, i, rule::character);
            return;
        }
        if (w == "fat" && (next_word(i) == "fingered" || next_word(i) == "finger")) {
            add(i, i + 1, rule::character);
            return;
        }
        if (w == "human" || w == "operator" || w == "operators" || w == "user" || w == "users" ||
            w == "pilot") {
            auto next = next_word(i);
            if (next != "error" && next != "errors" && next != "mistake" && next != "mistakes") return;
            // "human error" always is; "user error rate" is a metric.
            if (w != "human" && joined(i + 2) && metric_followers().contains(word(i + 2))) return;
            // "It was not human error"; "calling this human error stops the analysis" talks about the label.
            if (negated_in_clause(i, 4)) return;
            for (std::size_t k = previous_in_clause(i), steps = 0; k != npos && steps < 3;
                 k = previous_in_clause(k), ++steps) {
                auto kw = word(k);
                if (kw == "call" || kw == "calling" || kw == "called" || kw == "label" || kw == "labelling" ||
                    kw == "labeling" || kw == "labelled" || kw == "labeled" || kw == "beyond" || kw == "past")
                    return;
            }
            add(i, i + 1, rule::human_error);
        }
    }

    // "git blame" is a command and "no blame" is the point; everything else about blame is blame.
    void check_blame_word(std::size_t i, std::string_view w) {
        if (w != "blame" && w != "blamed" && w != "blames" && w != "blaming" && w != "blameworthy") return;
        auto previous = previous_word(i);
        if (previous == "git") return;
        if (negation_before(i, 4) != npos || negated_in_clause(i)) return;
        add(previous == "to" ? i - 1 : i, i, rule::blame_word);
    }

    void check_idioms(std::size_t i, std::string_view w) {
        if (w == "asleep" && next_word(i) == "at" && next_word(i + 1) == "the" &&
            next_word(i + 2) == "wheel") {
            add(i, i + 3, rule::effort_idiom);
            return;
        }
        if (w == "bothered" && next_word(i) == "to") {  // "never bothered to test"
            auto negation = negation_before(i, 2);
            if (negation != npos) add(negation, i, rule::effort_idiom);
            return;
        }
        if (w == "paying" && next_word(i) == "attention") {
            auto negation = negation_before(i, 2);
            if (negation != npos) add(negation, i + 1, rule::character);
            return;
        }
        std::size_t last = npos;
        if ((w == "dropped" || w == "drop" || w == "drops" || w == "dropping") && next_word(i) == "the" &&
            next_word(i + 1) == "ball") {
            last = i + 2;
        } else if ((w == "messed" || w == "mess" || w == "messes" || w == "messing" || w == "screwed" ||
                    w == "screw" || w == "screws" || w == "screwing" || w == "fucked") &&
                   next_word(i) == "up") {
            last = i + 1;
        } else if ((w == "messed" || w == "screwed") && next_word(i + 1) == "up" &&
                   (next_word(i) == "this" || next_word(i) == "it" || next_word(i) == "that" ||
                    next_word(i) == "things" || next_word(i) == "everything")) {
            last = i + 2;  // "messed this up"
        } else if (w == "botched" || w == "fumbled" || w == "bungled") {
            last = i;
        } else if (w == "blew" && next_word(i) == "it") {
            last = i + 1;
        } else if ((w == "phoned" || w == "phoning" || w == "phones") && next_word(i) == "it" &&
                   next_word(i + 1) == "in") {
            last = i + 2;
        } else if ((w == "slept" || w == "sleeping" || w == "sleeps") && next_word(i) == "through") {
            last = i + 1;  // "slept through the page"
        } else if (w == "half" && next_word(i) == "asleep") {
            last = i + 1;
        } else if (w == "screwed" && next_word(i) == "the" && next_word(i + 1) == "pooch") {
            last = i + 2;
        }
        if (last == npos) return;
        // These judge effort or competence, so they count even when a team says them about itself; they do
        // not count about a program ("the migration messed up the index") or when denied ("nobody dropped the
        // ball").
        auto who = subject_before(i);
        if (who == subject::thing || who == subject::nobody || negation_before(i, 3) != npos) return;
        add(i, last, rule::effort_idiom);
    }

    void check_person_as_cause(std::size_t i, std::string_view w) {
        std::size_t who_at = npos;
        if (w == "because") {
            if (next_word(i) == "of") {
                if (is_person(subject_after(i + 2, &who_at)) && !credit_nouns().contains(next_word(who_at)))
                    add(i, who_at, rule::person_as_cause);
                return;
            }
            auto who = subject_after(i + 1, &who_at);
            if (!is_person(who)) return;
            if (possessive_person(who_at)) {
                if (!credit_nouns().contains(next_word(who_at))) add(i, who_at, rule::person_as_cause);
                return;
            }
            auto v = skip_forward(who_at + 1, {"had", "has", "just", "already", "also", "quickly",
                                               "immediately", "then", "actually", "finally"});
            if (joined(v) && !credit_verbs().contains(word(v))) add(i, who_at, rule::person_as_cause);
            return;
        }
        if (w == "due" && next_word(i) == "to") {
            if (is_person(subject_after(i + 2, &who_at)) && !credit_nouns().contains(next_word(who_at)))
                add(i, who_at, rule::person_as_cause);
            return;
        }
        bool cause_verb = w == "caused" || w == "causes" || w == "broke" || w == "breaks" || w == "broken" ||
                          w == "introduced";
        if (!cause_verb) return;
        if (next_word(i) == "by") {
            if (is_person(subject_after(i + 2, &who_at))) add(i, who_at, rule::person_as_cause);
            return;
        }
        if (w == "introduced") return;  // "Alice introduced a feature flag" describes an action
        if (next_word(i) == "nothing") return;
        std::size_t at = npos;
        auto who = subject_before(i, &at);
        if (is_person(who)) {
            add(at, i, rule::person_as_cause);
            return;
        }
        // "Bob's config change caused ...": the person is named through the thing they made.
        for (std::size_t k = at, steps = 0; k != npos && steps < 3; k = previous_in_clause(k), ++steps) {
            if (possessive_person(k)) {
                add(k, i, rule::person_as_cause);
                return;
            }
        }
    }

    // "If Judy had read the runbook ...": the same hindsight as "Judy should have read it".
    void check_if_had(std::size_t i, std::string_view w) {
        if (w != "if") return;
        std::size_t who_at = npos;
        auto who = subject_after(next_word(i) == "only" ? i + 2 : i + 1, &who_at);
        if (!is_person(who) || possessive_person(who_at)) return;
        std::size_t had = who_at + 1;
        if (next_word(who_at) != "had" && !ends_with(word(who_at), "'d")) return;
        if (ends_with(word(who_at), "'d")) had = who_at;
        auto n = skip_forward(had + 1, {"just", "only", "actually", "properly", "simply", "also", "double"});
        if (!joined(n)) return;
        auto verb = word(n);
        if (verb == "been") {
            if (done_to_people().contains(next_word(n))) return;
        } else if (verb == "had" || !is_participle(verb)) {
            return;
        }
        add(i, n, rule::counterfactual);
    }

    // "This one is on Bob", "it all came down to Dave", "Root cause: @bob pushed ...".
    void check_on_person(std::size_t i, std::string_view w) {
        std::size_t who_at = npos;
        if (w == "on") {
            auto previous = previous_word(i);
            auto b = base(previous);
            bool is_on = previous == "is" || previous == "was" ||
                         (previous != b && (b == "it" || b == "that" || b == "this" || b == "one"));
            if (!is_on) return;
            if (!is_person(subject_after(i + 1, &who_at)) || possessive_person(who_at)) return;
            auto after = next_word(who_at);
            if (!after.empty() && after != "for" && after != "alone" && after != "again" && after != "too")
                return;
            add(i, who_at, rule::person_as_cause);
            return;
        }
        if (w == "down" && next_word(i) == "to" &&
            (previous_word(i) == "came" || previous_word(i) == "comes" || previous_word(i) == "boils" ||
             previous_word(i) == "boiled")) {
            if (is_person(subject_after(i + 2, &who_at))) add(i, who_at, rule::person_as_cause);
            return;
        }
        if (w == "cause" || w == "causes" || w == "culprit") {
            std::size_t n = i + 1;
            if (n >= size()) return;
            bool across = !joined(n);
            if (across) {
                // Only a colon carries the cause across punctuation ("Root cause: Bob ...", "*Cause:* @bob").
                auto gap = text_.substr(tokens_[i].end, tokens_[n].begin - tokens_[i].end);
                if (gap.find(':') == std::string_view::npos ||
                    gap.find_first_not_of(": *_\t") != std::string_view::npos)
                    return;
            } else if (word(n) == "is" || word(n) == "was") {
                ++n;
            } else {
                return;
            }
            if (is_person(subject_after(n, &who_at, across))) add(i, who_at, rule::person_as_cause);
        }
    }

    // "Bob was responsible for the outage" names a culprit; "Alice is responsible for the follow-up" does
    // not.
    void check_responsible(std::size_t i, std::string_view w) {
        if (w != "responsible" || next_word(i) != "for") return;
        auto object = skip_forward(i + 2, {"the", "this", "that", "a", "an", "entire", "whole"});
        if (!joined(object) || !bad_outcomes().contains(word(object))) return;
        std::size_t at = npos;
        if (is_person(subject_before(i, &at))) add(at, object, rule::person_as_cause);
    }

    void check_who(std::size_t i, std::string_view w) {
        if (w == "whoever") {
            auto next = next_word(i);
            if (next == "broke" || next == "caused" || next == "messed" || next == "screwed" ||
                next == "forgot" || next == "did" || next == "pushed" || next == "approved" ||
                next == "merged" || next == "deleted" || next == "disabled")
                add(i, i + 1, rule::who_did);
            return;
        }
        auto b = base(w);
        if (b != "who") return;
        // Only questions: "Alice, who deployed the fix, confirmed recovery" is a relative clause.
        bool question =
            tokens_[i].before == boundary::sentence || question_leads().contains(previous_word(i));
        if (!question) return;
        std::size_t n =
            skip_forward(i + 1, {"actually", "exactly", "even", "just", "originally", "last", "first"});
        if (!joined(n)) return;
        auto verb = word(n);
        if (w == "who's" && verb == "responsible") {
            add(i, n, rule::who_did);
        } else if ((verb == "is" || verb == "was") && next_word(n) == "responsible") {
            add(i, n + 1, rule::who_did);
        } else if (culprit_verbs().contains(verb)) {
            add(i, n, rule::who_did);
        }
    }
};

}  // namespace

std::vector<blame_finding> check_blame(std::string_view text) {
    if (text.empty()) return {};
    analysis a(text);
    return a.take_findings();
}

}  // namespace hindsight::domain
