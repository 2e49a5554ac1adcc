#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "domain/blame_checker.hpp"

using hindsight::domain::check_blame;

namespace {

struct labelled {
    const char* text;
    bool is_blame;
};

// Incident-review sentences with hard cases on both sides. Known misses and false alarms of the heuristics
// stay in so the figures are honest.
const labelled corpus[] = {
    // --- blame ---
    {"Bob should have checked the replication lag before failing over.", true},
    {"Bob should have load tested the new pool config.", true},
    {"Erin should have smoke tested the release first.", true},
    {"The pool config should have load tests in CI.", false},
    {"Alice forgot to renew the TLS certificate for api.example.com.", true},
    {"This is Carol's fault, she pushed the flag to 100% without a canary.", true},
    {"It was human error.", true},
    {"Dave failed to notice the disk filling up on db-3.", true},
    {"The on-call engineer forgot to acknowledge the page.", true},
    {"Someone should have rolled back sooner.", true},
    {"Root cause: operator error during the DNS cutover.", true},
    {"Honestly the whole thing happened because Bob pushed an untested config on Friday.", true},
    {"The outage was caused by @mallory deleting the wrong security group.", true},
    {"Who approved this PR without a second reviewer?", true},
    {"Eve was careless with the migration script.", true},
    {"He neglected to run the database backup before the schema change.", true},
    {"The release broke due to <@U024BE7LH> skipping the staging deploy.", true},
    {"Frank dropped the ball on the certificate renewal.", true},
    {"Grace messed up the feature flag targeting rules.", true},
    {"Heidi didn't bother to read the runbook before restarting the primary.", true},
    {"That was sloppy work on the load balancer config.", true},
    {"Ivan's mistake took down checkout for twenty minutes.", true},
    {"Whoever merged that Terraform change should have run plan first.", true},
    {"I should have double-checked the region before running the script.", true},
    {"Judy screwed up the Kafka partition reassignment.", true},
    {"Mallory caused the outage by flipping the kill switch.", true},
    {"Blame the new intern, he ran the migration against prod.", true},
    {"The incident was entirely Oscar's fault.", true},
    {"Peggy shouldn't have deployed during the freeze.", true},
    {"Trent was negligent about rotating the API keys.", true},
    {"The developer failed to test the rollback path.", true},
    {"Sybil didn't check the dashboards before promoting the canary.", true},
    {"It was user error, plain and simple.", true},
    {"Victor should've paged the database team earlier.", true},
    {"Walter forgot the DNS TTL was still set to a day.", true},
    {"The pager stayed silent because @walter muted the alert channel.", true},
    {"Frankly the SRE on call was incompetent.", true},
    {"Who pushed to main on a Friday night?", true},
    {"She failed to follow the runbook for the certificate rotation.", true},
    {"Yet another careless mistake in the Nginx config.", true},
    {"Bob broke prod again with his cron change.", true},
    {"Carol neglected to update the status page during the incident.", true},
    {"The root cause is that the operator forgot to drain the node first.", true},
    {"Dave wasn't paying attention to the error budget alerts.", true},
    {"The cutover failed because Erin ran the script in the wrong region.", true},
    {"Let's be honest, Frank is to blame for this one.", true},
    {"The rollback took an hour because someone forgot to tag the previous image.", true},
    {"The bad migration was introduced by Grace last sprint.", true},
    {"Heidi made a mistake when she edited the HAProxy map.", true},
    {"The config was wrong because of Ivan.", true},
    {"A classic case of human error on the storage side.", true},
    {"Judy should not have bypassed the deploy freeze.", true},
    {"Should have tested the failover in staging first.", true},
    {"Mallory dropped the ball on the on-call handoff.", true},
    {"The DBA should have noticed the replication slot growing.", true},
    {"Our developer neglected the warnings from the linter.", true},
    {"Who broke the staging cluster this time?", true},
    {"Oscar's sloppy rollout caused the second page.", true},
    {"@peggy forgot to remove the feature flag after the experiment.", true},
    {"<@U02ABCDEF> should have escalated to the network team.", true},
    {"This happened because the intern deleted the wrong bucket.", true},
    {"Trent messed up the certificate chain order.", true},
    {"He should have known better than to restart all replicas at once.", true},
    {"We lost an hour because Victor ignored the disk alert.", true},
    {"It's obviously Walter's fault for skipping the review.", true},
    {"Someone screwed up the PagerDuty escalation policy.", true},
    {"The new hire failed to read the deploy checklist.", true},
    {"The on-call didn't acknowledge the page for 40 minutes.", true},
    {"Alice was reckless to run the migration at peak traffic.", true},
    {"This was caused by Bob, who pushed without review.", true},
    {"Sybil fat-fingered the replica count in the Helm values.", true},
    {"Clearly Eve forgot to update the runbook after the DNS migration.", true},
    {"Whose fault was the expired certificate?", true},
    {"Carol should have known the flag also controlled the EU traffic.", true},
    {"The outage happened because Dave restarted all three Zookeeper nodes at once.", true},
    {"Frankly, Grace is incompetent with Terraform.", true},
    {"Heidi\u2019s carelessness with the prod credentials caused the leak.", true},
    {"Again, Ivan neglected to run the smoke tests.", true},
    {"If Judy had read the runbook, none of this would have happened.", true},
    {"Honestly this one is on Bob.", true},
    {"Why didn't Oscar check the replica lag before the failover?", true},
    {"It was Peggy's mistake to skip the canary stage.", true},
    {"The deploy went out and Trent forgot to flip the flag back.", true},
    {"Victor pushed the config and forgot to run the validation job.", true},
    {"Somebody didn't bother testing the restore procedure.", true},
    {"The DNS records were wrong due to a typo by Walter.", true},
    {"Erin neglected the certificate expiry warnings for weeks.", true},
    {"Bob was responsible for the outage on Tuesday.", true},
    {"Find out who disabled the disk alert on the primary.", true},
    {"We messed up the failover drill last quarter.", true},
    {"Alice, who was on call, should have escalated within ten minutes.", true},
    {"you should have waited for the canary to finish", true},
    {"the intern was careless with kubectl delete", true},
    {"This is entirely the fault of the on-call engineer.", true},

    {"Bob should have waited for the migration to finish before scaling down.", true},
    {"Honestly Carol forgot that the flag was shared with the mobile app.", true},
    {"The whole outage came down to Dave not reading the diff.", true},
    {"@erin should not have force-pushed to the release branch.", true},
    {"Frank failed to escalate when the error rate crossed 5%.", true},
    {"Grace's typo in the DNS zone file took down email for an hour.", true},
    {"Heidi was sloppy with the Helm chart values.", true},
    {"It was pure operator error, nothing more.", true},
    {"Ivan didn't verify the backup before dropping the table.", true},
    {"This is on the on-call, who ignored three pages.", true},
    {"Judy broke the checkout flow with an untested patch.", true},
    {"The SRE forgot to re-enable the alert after maintenance.", true},
    {"Mallory's negligence led to the data loss.", true},
    {"If only Oscar had followed the runbook.", true},
    {"Whoever did this needs to explain themselves.", true},
    {"Peggy neglected to tell anyone she was rotating the keys.", true},
    {"The engineer on shift messed up the failover order.", true},
    {"Trent screwed up the load balancer weights.", true},
    {"Who touched the firewall rules last night?", true},
    {"We all know Sybil is to blame for the cert expiry.", true},
    {"Victor dropped the ball on updating the status page.", true},
    {"The problem was caused by Walter's careless cleanup script.", true},
    {"someone forgot to bump the cert expiry alert threshold", true},
    {"Alice should have double checked the region flag.", true},
    {"The intern failed to follow the change process.", true},
    {"tbh bob should have known the cache would stampede", true},  // known miss: a lower-case name
    {"Carol didn't even look at the canary metrics.", true},
    {"The outage is Dave's fault and everyone knows it.", true},
    {"Erin was too lazy to write a rollback plan.", true},
    {"Frank failed to communicate the maintenance window to support.", true},
    {"Grace forgot about the hard-coded IP in the config.", true},
    {"Heidi screwed the pooch on the cert rotation.", true},
    {"Ivan made a dumb mistake with the firewall rule.", true},
    {"It's because Judy ignored the linter warnings.", true},
    {"Mallory should have asked before restarting the cluster.", true},
    {"The cause was Oscar running the script against prod instead of staging.", true},
    {"Peggy is incompetent and should not be on call.", true},
    {"Trent's sloppiness cost us four hours of downtime.", true},
    {"We were down because @sybil deleted the DNS record.", true},
    {"Victor neglected his on-call duties.", true},
    {"Walter should've read the release notes.", true},
    {"Who made this change without telling anyone?", true},
    {"The data loss was a result of Alice's mistake.", true},
    {"Bob never bothered to test the restore.", true},
    {"Carol was careless when she edited the crontab.", true},
    {"The on-call engineer should have escalated sooner.", true},
    {"The developer shouldn't have merged without a review.", true},
    {"Dave is the one who broke the deploy.", true},
    {"Human error on Erin's part caused the incident.", true},
    {"She should have checked the dashboard before paging everyone.", true},
    {"Frank blew it by deploying on a Friday.", true},
    {"Grace's fault, obviously.", true},
    {"Whoever approved this migration should be ashamed.", true},
    {"<@U01ZZZ> forgot to renew the wildcard cert.", true},
    {"The admin forgot to revoke the old keys.", true},
    {"Ivan should have looked at the graphs before rolling forward.", true},
    {"This one's on Peggy, she ignored the freeze.", true},
    {"Honestly, Trent messed this up.", true},
    {"The root cause is Walter: he pushed the wrong branch.", true},
    {"Carol failed to ack the page for half an hour.", true},
    {"Because Grace was careless, we lost the primary.", true},
    {"The whole thing is Heidi's fault for not reading the runbook.", true},
    {"Alice screwed up the DNS cutover.", true},
    {"Oscar forgot to remove the maintenance banner.", true},
    {"Victor neglected to mention the migration in standup.", true},
    {"The operator should have checked which cluster kubectl was pointing at.", true},
    {"Bob dropped the ball again.", true},
    {"Dave should not have disabled the alert.", true},
    {"Someone on the payments team forgot to renew the certificate.", true},
    {"It's Mallory's mistake, not the tool's.", true},
    {"The deploy broke because Erin skipped the canary.", true},
    {"Who deleted the production bucket?", true},
    {"That engineer is careless and keeps breaking prod.", true},
    {"Sybil didn't follow the change checklist.", true},
    {"Frank's carelessness caused the data corruption.", true},
    {"Bob should have rolled the canary back at the first 500.", true},
    {"Someone forgot to remove the test DNS record, and it shadowed prod.", true},
    {"Carol didn't check that the migration was reversible.", true},
    {"It's Dave's fault the pager was silent.", true},
    {"The on-call failed to notice the cert warning for a week.", true},
    {"Erin broke staging with a bad Helm upgrade.", true},
    {"Frank was sloppy with the IAM policy.", true},
    {"Because Grace skipped the review, the bug reached prod.", true},
    {"Heidi neglected to set a TTL on the cache keys.", true},
    {"Who merged the broken config?", true},
    {"Ivan's screw-up cost us the SLA this month.", true},
    {"This was entirely human error by the operator.", true},
    {"Judy messed up the rollout order.", true},
    {"The incident was due to Mallory ignoring the deploy freeze.", true},
    {"Oscar should have followed the documented failover steps.", true},
    {"Peggy dropped the ball with the vendor escalation.", true},
    {"@trent didn't bother to read the alert before silencing it.", true},
    {"The SRE was negligent with the root credentials.", true},
    {"Walter failed to review the Terraform plan.", true},
    {"Blaming Victor is fair here, he ignored the warning.", true},

    // Added with the general rules (subject + negligence verb, bad objects, questions, punishment,
    // insults); written for tuning, none taken from the held-out set.
    {"The consultant nuked the staging database by accident.", true},
    {"Our sysadmin ignored the disk alerts all weekend.", true},
    {"She ignored the deploy freeze and shipped anyway.", true},
    {"Bob ignored the linter output.", true},
    {"The technician skipped the pre-flight checklist.", true},
    {"The programmer bypassed code review to ship faster.", true},
    {"Walter pushed a broken image to the registry.", true},
    {"The admin restarted the wrong cluster.", true},
    {"Carol deployed an untested build to prod.", true},
    {"The trainee took down the auth service.", true},
    {"Why didn't the responder page the vendor?", true},
    {"Why wasn't Grace monitoring the canary?", true},
    {"How could Dave not see the error spike?", true},
    {"Why the hell did Erin restart all the brokers?", true},
    {"Why would you run that in prod?", true},
    {"The engineer who caused this should be disciplined.", true},
    {"Whoever did this should get fired.", true},
    {"Bob needs to be held accountable.", true},
    {"Someone has to answer for the data loss.", true},
    {"Heads will roll for this outage.", true},
    {"Trent should lose his production access over this.", true},
    {"Fire the contractor.", true},
    {"The intern should be punished.", true},
    {"What an idiot, deleting the prod bucket.", true},
    {"Frank is a clown.", true},
    {"Grace is useless under pressure.", true},
    {"Heidi is clueless about networking.", true},
    {"Only someone stupid enough would force-push to main.", true},
    {"The SRE phoned it in during the incident.", true},
    {"Ivan never reads the alerts.", true},
    {"The on-call never answers his phone.", true},
    {"Judy wasn't doing her job on Saturday.", true},
    {"Mallory was supposed to renew the cert but didn't.", true},
    {"Oscar has no idea what he's doing with Postgres.", true},
    {"Peggy doesn't know the first thing about Kafka.", true},
    {"It was the new hire who dropped the table.", true},
    {"It was Victor who broke the build.", true},
    {"The admin deleted the DNS zone without asking anyone.", true},
    {"Sybil restarted the primary without checking replication.", true},
    {"Frankly the effort from the on-call was pathetic.", true},
    {"The whole response was amateurish.", true},
    {"Walter slept through three pages.", true},
    {"The disk alert was ignored by the on-call for an hour.", true},
    {"The freeze was bypassed by Carol to ship her feature.", true},
    {"The staging volume was wiped by a contractor.", true},
    {"Frank's broken migration locked the orders table.", true},
    {"Bob should be removed from the on-call rotation.", true},
    {"Erin should be taken off the payments project.", true},
    {"Dave should apologise to the support team.", true},
    {"The intern owes us an apology.", true},
    {"The engineer who wrote the migration forgot to add an index.", true},
    {"The developer who merged the change never checked the logs.", true},
    {"The admin who rotated the keys failed to update the vault path.", true},

    // --- not blame ---
    {"Alice rolled back at 14:05.", false},
    {"Bob paged the DB team at 02:13.", false},
    {"We should add an alert on queue depth.", false},
    {"We should have had an alert on queue depth.", false},
    {"The job failed to start after the node was drained.", false},
    {"The deploy failed to roll out to eu-west-1.", false},
    {"The runbook forgot to mention the cache warm-up step.", false},
    {"The system should have rejected the malformed config.", false},
    {"Postgres failed to elect a new primary within the timeout.", false},
    {"Kubernetes failed to schedule the pods because of resource limits.", false},
    {"The certificate expired because the renewal cron job was disabled in March.", false},
    {"Deploy failed to complete because the registry returned 503s.", false},
    {"The alert should have fired at 80% disk usage but the threshold was 95%.", false},
    {"Carol restarted the primary after confirming replication had caught up.", false},
    {"The team should have a runbook for DNS failover.", false},
    {"Dave noticed the latency spike and escalated to the network team.", false},
    {"We rolled back because Alice noticed the error rate climbing.", false},
    {"The error budget for checkout was exhausted by 11:00.", false},
    {"Feature flag evaluation failed to load the targeting rules from the cache.", false},
    {"This review is blameless; we focus on conditions, not people.", false},
    {"Nobody is to blame here; the tooling allowed a prod deploy without approval.", false},
    {"I ran git blame on the config to find when the timeout changed.", false},
    {"The page fault rate on the cache nodes doubled.", false},
    {"We need better fault tolerance in the queue consumers.", false},
    {"The health check failed to detect the hung worker.", false},
    {"Eve deployed the fix at 15:30 and latency recovered within five minutes.", false},
    {"The migration should have been tested against a production-sized dataset.", false},
    {"Frank should have been paged, but the escalation policy skipped him.", false},
    {"The checklist did not include a backup step.", false},
    {"The script didn't check the exit code of pg_dump.", false},
    {"The load balancer's fault detection took 90 seconds.", false},
    {"Grace and Heidi coordinated the DNS cutover from the war room.", false},
    {"The cron job failed to run because the node clock was skewed.", false},
    {"Terraform failed to apply the security group change.", false},
    {"The dashboard should have shown replica lag, so we are adding that panel.", false},
    {"Ivan asked who was on call for the payments service.", false},
    {"Who owns the DNS zone for example.com?", false},
    {"We should alert on certificate expiry 30 days ahead.", false},
    {"The canary failed to catch the regression because it only checked HTTP 200s.", false},
    {"Judy wrote the original runbook in 2021 and it has not been updated since.", false},
    {"The pager failed to wake the on-call because the phone was in do-not-disturb mode.", false},
    {"Mallory flipped the feature flag back to 0% at 09:12.", false},
    {"The on-call rotation had a gap over the holiday weekend.", false},
    {"Redis ran out of memory and started evicting session keys.", false},
    {"The alert fired, but it went to a channel nobody watches.", false},
    {"It was a mistake to schedule the migration during peak traffic.", false},
    {"The vendor's status page showed no issues until 10:40.", false},
    {"The user error rate rose to 4% during the incident.", false},
    {"The Kubernetes operator failed to reconcile the StatefulSet.", false},
    {"After the failover, Oscar verified that writes were succeeding.", false},
    {"Because the TTL was 86400 seconds, clients kept the old address for a day.", false},
    {"Peggy was on call and handled the page within two minutes.", false},
    {"The deploy tool let anyone push to all regions at once.", false},
    {"Retries amplified the load and the database failed to recover.", false},
    {"We should have added a rate limit before launching the campaign.", false},
    {"In hindsight, the team should have staged the rollout by region.", false},
    {"The backup should have run at 02:00 but the scheduler was paused.", false},
    {"Trent confirmed the certificate chain was valid after the reissue.", false},
    {"The incident started when the DNS provider failed to propagate the new records.", false},
    {"Victor's rollback at 14:05 restored service.", false},
    {"Walter's team owns the ingress controllers.", false},
    {"The cause was a missing index on the orders table.", false},
    {"Sybil's fix was deployed to all regions by 16:00.", false},
    {"The linter failed to flag the duplicate key in the YAML.", false},
    {"Nobody noticed the disk alert because it was routed to a muted channel.", false},
    {"The migration broke the foreign key constraint on invoices.", false},
    {"The config change caused a spike in 5xx errors.", false},
    {"Alice said the job failed to start because the image tag was wrong.", false},
    {"We need to figure out why the alert didn't fire.", false},
    {"The certificate renewal was forgotten when the cron host was decommissioned.", false},
    {"Error handling in the webhook consumer swallowed the timeout.", false},
    {"Dave's error budget dashboard showed the burn rate.", false},
    {"Bob should have access to the production dashboards by Monday.", false},
    {"The failover didn't complete because the replica was 40 minutes behind.", false},
    {"Who was on call when the first alert fired?", false},
    {"Forgot to mention: the DNS change is already live.", false},
    {"Oh, I forgot to add that the cert was reissued at 10:00.", false},
    {"Who deployed the fix that brought latency back down?", false},  // known false alarm
    {"Bob should check the dashboard next time he deploys.", false},
    {"Because Alice was on vacation, the runbook owner was unreachable.", false},
    {"Carol's team should have more context on the billing service.", false},
    {"The deploy bot failed to post to the incident channel.", false},
    {"Alerting failed to page anyone because the integration key had been rotated.", false},
    {"Mallory was paged at 03:12 and acknowledged within a minute.", false},
    {"Without the feature flag we could not have rolled back so quickly.", false},
    {"The TLS certificate for the CDN expired at midnight UTC.", false},
    {"Grace handed over to Heidi at 18:00 with a written summary.", false},
    {"The runbook should have mentioned that the cache must be warmed first.", false},
    {"Nobody dropped the ball here; the alert was simply never wired up.", false},
    {"This was nobody's fault; the retry storm was an emergent behaviour.", false},
    {"The on-call handbook failed to describe the DNS failover.", false},
    {"Replication broke when the primary's disk filled up.", false},
    {"Judy's change was rolled back at 14:20.", false},
    {"Oscar's alert caught the regression before customers noticed.", false},
    {"Dependabot failed to open the upgrade PR.", false},
    {"Zookeeper failed to elect a leader after the network partition.", false},
    {"Trent asked the team to pause deploys until the fix landed.", false},
    {"The status page should have been updated within 15 minutes.", false},
    {"Victor should have been looped in earlier; the escalation path skipped the network team.", false},
    {"Sybil would have noticed sooner if the alert had included the region.", false},
    {"We ran a blameless review on Thursday.", false},
    {"The user forgot their password and locked the account, which triggered the alert.", false},
    {"Erin rolled the canary back after the error rate doubled.", false},
    {"In hindsight, the flag default should have been off.", false},
    {"Alice is responsible for the follow-up on the DNS runbook.", false},
    {"Alice, who deployed the fix, confirmed recovery at 14:30.", false},
    {"The migration script failed to acquire the lock on the orders table.", false},
    {"we didn't test the restore path, so that is the first action item", false},
    {"The bug was introduced in v2.3.1 when the retry default changed.", false},
    {"Bob restarted the consumer group at 11:42 and lag started dropping.", false},
    {"The feature flag service failed to propagate the change to two regions.", false},
    {"We should have had synthetic checks on the login page.", false},
    {"Carol noticed the certificate expiry warning in the logs at 09:00.", false},
    {"The pager rotation should have included a secondary.", false},
    {"Dave escalated to the database vendor at 10:15.", false},
    {"The deploy pipeline should have blocked the release on failing tests.", false},
    {"Erin's runbook made the failover take only four minutes.", false},
    {"The autoscaler failed to add nodes because the quota was exhausted.", false},
    {"Frank and Grace paired on the rollback.", false},
    {"DNS resolution failed to recover until the resolver cache expired.", false},
    {"The postmortem found that alerting thresholds were too high.", false},
    {"Heidi asked whether the migration had a dry-run mode.", false},
    {"The TLS handshake failed to complete with the legacy clients.", false},
    {"Ivan's dashboard showed the queue depth climbing from 10:02.", false},
    {"The team forgot nothing; the checklist simply lacked the step.", false},
    {"Judy should have the access she needs by Friday.", false},
    {"The replica should have caught up within a minute, but the network was saturated.", false},
    {"Mallory rotated the API keys after the incident, as planned.", false},
    {"The cron job should have been idempotent.", false},
    {"Oscar's change was reviewed and approved by two people.", false},
    {"The incident channel was created by the bot at 08:41.", false},
    {"There was no alert because the metric was never exported.", false},
    {"Peggy confirmed that no customer data was lost.", false},
    {"The operator failed to reconcile the CRD after the upgrade.", false},
    {"The cache stampede started when the TTLs expired at the same second.", false},
    {"Carol looked at the canary metrics and saw no anomaly.", false},
    {"The outage lasted 47 minutes.", false},
    {"Erin wrote a rollback plan that we used at 13:10.", false},
    {"Frank communicated the maintenance window to support on Monday.", false},
    {"Grace found the hard-coded IP in the config during the review.", false},
    {"Heidi rotated the certificate after the incident.", false},
    {"The firewall rule had a typo that blocked port 443.", false},
    {"The linter warnings were hidden in a collapsed CI log.", false},
    {"Mallory asked the database team before restarting the cluster.", false},
    {"The cause was a script that defaulted to the production profile.", false},
    {"Peggy has been on call for three weeks straight, which we should fix.", false},
    {"The deploy system should have refused a config without a region.", false},
    {"We were down because the DNS record was deleted by an automated cleanup job.", false},
    {"The on-call schedule should have a secondary for weekends.", false},
    {"Walter read the release notes and flagged the breaking change.", false},
    {"Who is the incident commander for this one?", false},
    {"The data loss was limited to one shard.", false},
    {"Bob tested the restore procedure in staging last month.", false},
    {"The crontab edit was applied to every host by the config management tool.", false},
    {"An engineer escalated to the network team at 04:20.", false},
    {"The developer documentation failed to mention the rate limits.", false},
    {"Dave restored service by rolling back to v41.", false},
    {"There was no human in the loop for the certificate renewal.", false},
    {"We should have checked the dashboard earlier in the incident.", false},
    {"The deploy on Friday went out without a canary stage.", false},
    {"Grace fixed the alert routing afterwards.", false},
    {"The migration was approved by two reviewers and still failed in production.", false},
    {"Nobody should have to remember to renew certificates by hand.", false},
    {"The old keys were not revoked because the revocation script was broken.", false},
    {"The lazy loading of the config meant the first request timed out.", false},
    {"Sentry grouped the errors under a single fault signature.", false},
    {"The segmentation fault in the sidecar restarted the pod every 30 seconds.", false},
    {"We should have caught this in staging, and the action item is a load test.", false},
    {"The failover should have completed in 30 seconds.", false},
    {"Alice forgot nothing; the runbook itself was missing the step.", false},
    {"The incident was caused by a race between the two cron jobs.", false},
    {"The bug broke the invoice PDF generation for EU customers.", false},
    {"Our SLO dashboard failed to load during the incident.", false},
    {"Mallory's script failed to handle the empty response.", false},
    {"Because Oscar paged early, the impact stayed under ten minutes.", false},
    {"Due to the holiday, the on-call had no secondary.", false},
    {"The blame-free format helped people share what they saw.", false},
    {"Please avoid blaming individuals in the review thread.", false},
    {"Peggy was on call and acknowledged the page at 02:03.", false},
    {"Trent is responsible for the action item on alert routing.", false},
    {"The mistake in the config was a missing trailing dot in the CNAME.", false},
    {"Error rates returned to baseline by 15:40.", false},
    {"The errors were caused by a retry loop in the SDK.", false},
    {"Victor made a change to the rate limiter at 09:10 that was later reverted.", false},
    {"Walter's fix broke nothing and was deployed within the hour.", false},
    {"The backup job failed to upload to S3 because the IAM role had expired.", false},
    {"Who can take the action item for certificate monitoring?", false},
    {"Who decided the timeout should be 30 seconds, and what was the reasoning?", false},
    {"The engineers followed the runbook exactly as written.", false},
    {"The user error page was returned for every checkout request.", false},
    {"Some of us forgot the feature flag existed, which is why we want a flag inventory.", false},
    {"If the alert had fired, we would have rolled back at 10:05.", false},
    {"If we had had a canary stage, the blast radius would have been one region.", false},
    {"The alert was muted during the maintenance window and nobody unmuted it.", false},
    {"It is easy to see in hindsight what should have happened.", false},
    {"The pager app failed to deliver the notification to Android phones.", false},
    {"Carol's team should have been told about the schema change.", false},
    {"Nobody was careless; the tooling made the wrong command look like the right one.", false},
    {"Operator dashboards showed green during the entire incident.", false},
    {"Ivan tried to roll back but the deploy tool failed to find the previous artifact.", false},
    {"The config linter should have rejected the duplicated key.", false},
    {"Heidi's checklist caught the missing DNS record before launch.", false},
    {"The new hire shadowed the on-call during the incident.", false},
    {"Gradual rollouts would have limited the damage.", false},
    {"The certificate rotation job failed to reload Nginx.", false},
    {"Bob rolled back the canary at 10:32 after the 500s appeared.", false},
    {"The test DNS record shadowed prod because both zones were served by the same resolver.", false},
    {"We should have made the migration reversible by default.", false},
    {"The pager was silent because the integration was disabled during the vendor migration.", false},
    {"The cert warning went to an inbox nobody monitors.", false},
    {"The Helm upgrade changed a default that broke staging.", false},
    {"The IAM policy was generated by a template with a wildcard.", false},
    {"The review queue had 40 open PRs that week, so reviews were rushed.", false},
    {"The config was merged after two approvals and a green build.", false},
    {"Missing the SLA this month means we owe credits to three customers.", false},
    {"The operator console shows production and staging in the same colour.", false},
    {"The rollout order is defined in a YAML file nobody owns.", false},
    {"The deploy freeze was announced only in a channel most engineers had muted.", false},
    {"The documented failover steps were two years out of date.", false},
    {"Vendor escalation required a phone call that took 25 minutes to connect.", false},
    {"The alert was silenced by an automation rule that matched too broadly.", false},
    {"Root credentials were shared across three teams.", false},
    {"The Terraform plan output was 4000 lines long, which hid the deletion.", false},
    {"Victor raised the warning in the channel at 09:14.", false},

    // Added with the general rules: their hard negatives, written for tuning.
    {"It wasn't human error; the prompt defaulted to production.", false},
    {"Labelling this human error tells us nothing about the console.", false},
    {"No one is going to be punished for this incident.", false},
    {"This review is not about holding anyone accountable.", false},
    {"The alerts fired every five minutes during the incident.", false},
    {"The cron fired twice because of the DST change.", false},
    {"Nobody ignored the alert; it was routed to an old channel.", false},
    {"The proxy ignored the new TLS settings until reload.", false},
    {"Nginx ignored the include directive because of a typo in the path.", false},
    {"The cleanup job wiped the temp volume as designed.", false},
    {"The scheduler skipped the backup because the lock was held.", false},
    {"Alice reverted the bad config at 14:10.", false},
    {"Bob replaced the broken disk on db-4.", false},
    {"Carol found the wrong route in the table and fixed it.", false},
    {"The build pushed a broken image because the cache was stale.", false},
    {"Why didn't the canary catch the regression?", false},
    {"Why did the health check pass while the service was down?", false},
    {"How could the system let a config with an empty allow-list through?", false},
    {"The on-call should be paged when lag exceeds a minute.", false},
    {"Revoke the intern's VPN access when the internship ends.", false},
    {"Remove the departed engineer's SSH keys from the bastion.", false},
    {"The first message in the channel was \"who broke staging?\", and we discussed how that felt.", false},
    {"Someone posted \u201cBob should have checked\u201d and the commander asked us to describe conditions.",
     false},
    {"The customer's email said \"this is your engineers' fault\".", false},
    {"The dashboard was useless during the incident because it only showed averages.", false},
    {"Alice was the incident commander and Bob was on comms.", false},
    {"The accountable owner for the action item is Erin.", false},
    {"It was Alice who noticed the spike first.", false},
    {"It was the on-call who declared the incident at 02:05.", false},
    {"We restarted without waiting for the replica, as the runbook says.", false},
    {"The disk alert was ignored because it had fired every day for a month.", false},
    {"The node should be removed from the pool before the upgrade.", false},
    {"The bad host was taken off the load balancer at 10:40.", false},
    {"We owe customers an apology and a service credit.", false},
    {"The volume was wiped by the cleanup job, as designed.", false},
    {"Frank's migration was reviewed and tested in staging.", false},
    {"The engineer who wrote the migration restarted the workers at 10:00.", false},
    {"The job that the intern wrote failed to start after the upgrade.", false},
    {"Alice paged the engineer who owned the service, and the cache failed to warm.", false},
};

struct confusion {
    int true_positive = 0;
    int false_positive = 0;
    int false_negative = 0;
    int true_negative = 0;
};

}  // namespace

TEST_CASE("blame checker: saying what someone did is not blame", "[blame]") {
    CHECK(check_blame("Alice rolled back at 14:05").empty());
    CHECK(check_blame("Bob paged the DB team").empty());
}

TEST_CASE("blame checker: forward-looking statements are not blame", "[blame]") {
    CHECK(check_blame("we should add an alert").empty());
    CHECK(check_blame("we should have had an alert on queue depth").empty());
}

TEST_CASE("blame checker: a program failing is not blame", "[blame]") {
    CHECK(check_blame("the job failed to start").empty());
    CHECK(check_blame("the deploy failed to roll out").empty());
    CHECK(check_blame("the runbook forgot to mention the second region").empty());
}

TEST_CASE("blame checker: a counterfactual about a person is blame", "[blame]") {
    auto findings = check_blame("Bob should have checked");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].phrase == "should have");
    CHECK(findings[0].offset == 4);
    CHECK_FALSE(findings[0].suggestion.empty());
    CHECK(check_blame("someone should have checked").size() == 1);
}

TEST_CASE("blame checker: human error is always flagged", "[blame]") {
    auto findings = check_blame("It was human error");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].phrase == "human error");
    CHECK(findings[0].offset == 7);
}

TEST_CASE("blame checker: naming whose fault it was", "[blame]") {
    auto findings = check_blame("This is Carol's fault");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].phrase == "Carol's fault");
    CHECK(findings[0].offset == 8);
    // A curly apostrophe is reported exactly as written.
    auto curly = check_blame("This is Carol\u2019s fault");
    REQUIRE(curly.size() == 1);
    CHECK(curly[0].phrase == "Carol\u2019s fault");
}

TEST_CASE("blame checker: offsets point at the phrase as written", "[blame]") {
    std::string text =
        "At 14:05 the deploy went out. Later, @dave FORGOT TO drain the node, and Erin was careless.";
    auto findings = check_blame(text);
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].phrase == "FORGOT TO");
    CHECK(findings[0].offset == text.find("FORGOT TO"));
    CHECK(findings[1].phrase == "careless");
    CHECK(findings[1].offset == text.find("careless"));
    for (const auto& f : findings) CHECK(text.substr(f.offset, f.phrase.size()) == f.phrase);

    std::string multibyte = "Zürich DC — @bob’s mistake.";
    auto found = check_blame(multibyte);
    REQUIRE(found.size() == 1);
    CHECK(found[0].phrase == "@bob’s mistake");
    CHECK(found[0].offset == multibyte.find("@bob"));
}

TEST_CASE("blame checker: empty and odd input", "[blame]") {
    CHECK(check_blame("").empty());
    CHECK(check_blame("   \n\t ").empty());
    CHECK(check_blame("'").empty());
    CHECK(check_blame("<@").empty());
    CHECK(check_blame("@").empty());
    std::string invalid = "\xff\xfe Bob should have checked \xc3";
    auto findings = check_blame(invalid);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].phrase == "should have");
    CHECK(check_blame("\xe2\x80").empty());  // a truncated smart quote at the very end
    CHECK(check_blame(std::string("human\0error", 11)).size() <= 1);
}

TEST_CASE("blame checker: a 40 000-character message is fast", "[blame]") {
    std::string sentence = "At 14:05 Alice rolled back, and Bob should have checked the replica lag. ";
    std::string text;
    while (text.size() < 40000) text += sentence;
    std::string one_word(40000, 'a');
    std::string mentions;
    while (mentions.size() < 40000) mentions += "<@U1 ";

    auto start = std::chrono::steady_clock::now();
    auto findings = check_blame(text);
    CHECK(findings.size() == (text.size() + sentence.size() - 1) / sentence.size());
    CHECK(check_blame(one_word).empty());
    CHECK(check_blame(mentions).empty());
    auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed < std::chrono::milliseconds(500));
}

TEST_CASE("blame checker: precision and recall on the labelled corpus", "[blame]") {
    // HINDSIGHT_BLAME_VERBOSE=1 lists the misses and false alarms of this (tuning) corpus.
    const bool verbose = std::getenv("HINDSIGHT_BLAME_VERBOSE") != nullptr;
    confusion c;
    for (const auto& sample : corpus) {
        bool flagged = !check_blame(sample.text).empty();
        if (flagged && sample.is_blame) ++c.true_positive;
        if (flagged && !sample.is_blame) {
            ++c.false_positive;
            UNSCOPED_INFO("false positive: " << sample.text);
            if (verbose) std::cout << "false positive: " << sample.text << '\n';
        }
        if (!flagged && sample.is_blame) {
            ++c.false_negative;
            UNSCOPED_INFO("missed: " << sample.text);
            if (verbose) std::cout << "missed: " << sample.text << '\n';
        }
        if (!flagged && !sample.is_blame) ++c.true_negative;
    }
    const double precision = c.true_positive / static_cast<double>(c.true_positive + c.false_positive);
    const double recall = c.true_positive / static_cast<double>(c.true_positive + c.false_negative);
    std::cout << "blame checker corpus: " << std::size(corpus) << " sentences, precision " << precision
              << ", recall " << recall << " (TP " << c.true_positive << ", FP " << c.false_positive << ", FN "
              << c.false_negative << ", TN " << c.true_negative << ")\n";
    CHECK(std::size(corpus) >= 120);
    REQUIRE(precision >= 0.9);
    REQUIRE(recall >= 0.9);
}

TEST_CASE("blame checker: quoted speech is reported, not said", "[blame]") {
    CHECK(check_blame("The ticket said \"who broke prod?\" and we discussed it.").empty());
    CHECK(check_blame("She wrote \u201cBob should have checked\u201d in the channel.").empty());
    // An unbalanced quote is not a quotation: the rest of the text is still read.
    CHECK(check_blame("The 3\" disk aside, Bob should have checked the lag.").size() == 1);
}

TEST_CASE("blame checker: a negation reaches to the end of its clause", "[blame]") {
    CHECK(check_blame("We are not looking for someone to blame.").empty());
    CHECK(check_blame("It was not human error.").empty());
    CHECK(check_blame("Nobody should be punished for this.").empty());
    // "but" starts a new statement.
    CHECK(check_blame("Not the tooling, but Bob was careless.").size() == 1);
}

TEST_CASE("blame checker: machines are suspended, terminated and fired", "[blame]") {
    CHECK(check_blame("The instance was terminated by the autoscaler.").empty());
    CHECK(check_blame("The job was suspended during the freeze.").empty());
    CHECK(check_blame("The alert fired at 02:13.").empty());
    CHECK(check_blame("A disciplined rollout process would have caught this.").empty());
    CHECK_FALSE(check_blame("Bob should be fired.").empty());
}

TEST_CASE("blame checker: the subject decides for negligence verbs", "[blame]") {
    CHECK_FALSE(check_blame("The contractor wiped the volume.").empty());
    CHECK(check_blame("The cleanup job wiped the volume.").empty());
    CHECK_FALSE(check_blame("Our DBA skipped the runbook.").empty());
    CHECK(check_blame("The scheduler skipped the run.").empty());
    auto findings = check_blame("Why didn't the reviewer look at the diff?");
    REQUIRE(findings.size() == 1);
    CHECK_FALSE(findings[0].suggestion.empty());
}
