#include <catch2/catch.hpp>

#include <iostream>

#include "domain/blame_checker.hpp"

// A held-out set for the blameless checker. These sentences were written in one sitting, before any rule of
// the checker was changed, and are never used to tune it: new rules are tuned on the corpus in
// blame_checker_test.cpp only. So the figures printed here are an estimate of how the checker does on text
// it has never seen. Do not add words to the checker because a sentence here is missed; if a miss shows a
// whole family the checker does not know, write new tuning sentences of that family in the other corpus,
// and add new held-out sentences here (written before the fix) to measure it.
//
// Labels follow SPEC §4 "Blameless nudges": blame names a person or a role as a cause, judges effort or
// competence, calls for punishment, insults, or asks a rhetorical "why didn't X". Not blame: negated or
// reflective uses, describing what people did, what the team should have had, a product or system as the
// subject, quoted speech, security remediation, ordinary technical text.
//
// Measured before any tuning (the checker of commit 554f580): 176 sentences, 90 blaming, 86 not; precision
// 0.80, recall 0.39, false-alarm rate 0.10 (TP 35, FP 9, FN 55, TN 77).
// After the general rules (subject + negligence verb, faulty objects, rhetorical questions, punishment,
// insults, negation scope, quoted speech), tuned on the other corpus only: precision 0.975, recall 0.867,
// false-alarm rate 0.023 (TP 78, FP 2, FN 12, TN 84).

using hindsight::domain::check_blame;

namespace {

struct held_out {
    const char* text;
    bool is_blame;
};

const held_out heldout[] = {
    // --- blame: a role or a description as the culprit ---
    {"The contractor wiped the volume while cleaning up old snapshots.", true},
    {"Whoever was on call ignored the page for an hour.", true},
    {"Our DBA skipped the runbook and went straight to the restore.", true},
    {"The new guy deleted the production namespace.", true},
    {"Some junior dev pushed a bad config to all regions.", true},
    {"The person who approved that change clearly didn't read it.", true},
    {"The night shift operator ignored the low-disk warnings.", true},
    {"Ops ignored our ticket for three days.", true},
    {"The release manager pushed the build without waiting for QA.", true},
    {"That contractor has no business touching production.", true},
    {"The on-call person just went back to sleep after acking.", true},
    {"The DBA dropped the wrong index.", true},
    {"The junior engineer ran the migration against prod without asking.", true},
    {"Our SRE disabled the alert and then went home.", true},
    {"The vendor engineer botched the firmware upgrade.", true},
    {"It was the intern who deleted the table.", true},

    // --- blame: ignored, not doing one's job ---
    {"Raj ignored the failing health checks and promoted the build anyway.", true},
    {"Priya ignored three separate warnings from the linter.", true},
    {"He ignored the runbook and improvised.", true},
    {"The reviewer ignored the red CI badge and approved.", true},
    {"Tom wasn't doing his job during the handoff.", true},
    {"The on-call didn't do their job last night.", true},
    {"Nina was supposed to monitor the rollout and didn't.", true},
    {"Liam never checks his pages when he's on call.", true},
    {"Nobody on the platform team bothered to look at the alert.", true},
    {"Again the on-call slept through the page.", true},
    {"Priya didn't even read the runbook.", true},

    // --- blame: effort and competence ---
    {"He was lazy about writing tests for the migration.", true},
    {"Clearly incompetent handling of the failover.", true},
    {"Sofia has no idea what she's doing with Kubernetes.", true},
    {"Kenji is just not good enough to be on the on-call rotation.", true},
    {"The whole thing was amateur hour from the DBA.", true},
    {"Marta couldn't be bothered to follow the checklist.", true},
    {"Honestly the SRE was half asleep.", true},
    {"Our intern doesn't know the first thing about DNS.", true},
    {"That was a pathetic effort from the on-call.", true},
    {"Raj is careless with credentials, as usual.", true},

    // --- blame: accountability and punishment ---
    {"Someone needs to be held accountable for this outage.", true},
    {"Fire whoever deleted the bucket.", true},
    {"Tom should be taken off the on-call rotation for this.", true},
    {"The engineer responsible should face consequences.", true},
    {"We need to find out who did this and make an example of them.", true},
    {"Nina should be written up for skipping the change review.", true},
    {"Heads need to roll after this one.", true},
    {"Whoever pushed that config should lose their deploy rights.", true},
    {"Liam owes everyone an apology for the downtime.", true},
    {"I want the name of the person who ran that script.", true},

    // --- blame: insults ---
    {"Only an idiot would run DROP TABLE on the primary.", true},
    {"The contractor is a moron.", true},
    {"What kind of clown disables alerting on a Friday?", true},
    {"Kenji is useless on call.", true},
    {"Sofia is a liability to this team.", true},
    {"Who was dumb enough to deploy on Christmas Eve?", true},

    // --- blame: rhetorical questions ---
    {"Why didn't the on-call engineer check the dashboard?", true},
    {"Why didn't Marta escalate when the error rate tripled?", true},
    {"Why wasn't Raj watching the rollout?", true},
    {"Why on earth did Tom restart the primary during peak?", true},
    {"Why didn't the DBA take a backup first?", true},
    {"How did Priya not notice the disk was full?", true},
    {"Why would anyone deploy without a canary?", true},

    // --- blame: pushed a bad thing, broke, caused ---
    {"Liam pushed a bad config to the edge proxies.", true},
    {"The deploy engineer pushed a broken build to production.", true},
    {"Nina shipped a bad migration that locked the orders table.", true},
    {"@raj pushed a bad DNS change at 16:00.", true},
    {"Tom caused the outage when he ran the cleanup job.", true},
    {"The contractor broke the payment flow.", true},
    {"Liam took down the site with his hotfix.", true},
    {"Tom's sloppy config change took down the API.", true},

    // --- blame: fault, should have, failed to, forgot to, careless, human error ---
    {"It's the contractor's fault the volume was wiped.", true},
    {"This was Tom's fault from start to finish.", true},
    {"The on-call's fault, plain and simple.", true},
    {"Totally Kenji's fault.", true},
    {"Kenji is to blame for the cert expiring.", true},
    {"Sofia should have waited for the replica to catch up.", true},
    {"The on-call should have paged the database team right away.", true},
    {"The reviewer should have caught the missing index.", true},
    {"He should've known not to restart during peak hours.", true},
    {"If Sofia had been paying attention, none of this would have happened.", true},
    {"Marta failed to check the replication status before promoting.", true},
    {"The on-call engineer failed to escalate within the SLA.", true},
    {"Our contractor failed to follow the access policy.", true},
    {"Raj forgot to remove the debug flag before the release.", true},
    {"The release manager forgot to announce the freeze.", true},
    {"Whoever set up the cron forgot to add alerting.", true},
    {"Marta messed up the replication settings again.", true},
    {"That was a careless rollout by the platform lead.", true},
    {"Careless handling of the secrets by Priya caused the leak.", true},
    {"Root cause: human error.", true},
    {"We are putting this one down to human error by the operator.", true},
    {"Classic human error by the new hire.", true},

    // --- not blame: negated or reflective ---
    {"It was not human error; the console made both clusters look identical.", false},
    {"We are not looking for someone to blame.", false},
    {"This is not about who pushed the button.", false},
    {"No one was careless here; the defaults were unsafe.", false},
    {"Nobody should be punished for following the runbook.", false},
    {"The goal of this review is not to hold anyone accountable but to learn.", false},
    {"Calling this human error would stop the analysis too early.", false},
    {"It is not the on-call's fault that the alert never fired.", false},
    {"We agreed not to name individuals in the timeline.", false},
    {"Nobody ignored the page; it was never delivered.", false},
    {"Nobody is getting fired over this; the process failed, not a person.", false},
    {"Accountability here means owning the action items, not punishing anyone.", false},

    // --- not blame: what people did ---
    {"Priya rolled back the deploy at 14:05.", false},
    {"Raj restarted the consumers at 03:40 and lag recovered.", false},
    {"Tom paged the storage team after the second alert.", false},
    {"The on-call engineer acknowledged the page at 02:11.", false},
    {"Nina deleted the stale DNS record at 10:20 as part of the fix.", false},
    {"Our DBA ran the restore from the 06:00 snapshot.", false},
    {"The contractor opened a ticket with the vendor at 09:30.", false},
    {"Kenji pushed the config change at 16:02 after two approvals.", false},
    {"Sofia silenced the flapping alert at 11:15 and opened a ticket to tune it.", false},
    {"Liam and Marta split the investigation between the API and the database.", false},
    {"Whoever is on call next week will get the new runbook.", false},
    {"The on-call was handling three pages at once when the disk alert fired.", false},
    {"Marta wrote the migration and Kenji reviewed it.", false},
    {"Whoever picks up the action item should coordinate with the network team.", false},
    {"Priya was responsible for the communications during the incident.", false},
    {"The contractor who set up the VPN documented every step, which helped a lot.", false},
    {"Kenji's quick rollback limited the impact to five minutes.", false},
    {"The reviewer approved the change because the diff looked like a no-op.", false},
    {"The DBA chose to restore from snapshot because the WAL archive was incomplete.", false},
    {"Marta didn't have permission to view the production logs.", false},
    {"Liam didn't know the flag also controlled the mobile clients, because it was undocumented.", false},
    {"The on-call engineer was new to the service and had not seen this failure before.", false},
    {"Being on call for the first time, Tom followed the runbook step by step.", false},
    {"The intern shadowed the incident commander and took notes.", false},
    {"The team held a blameless review on Monday with everyone involved.", false},
    {"Nina should get read access to the billing cluster before her next shift.", false},
    {"The on-call should page the database team if lag exceeds five minutes.", false},
    {"Raj noticed that the reviewer had no way to see the rendered config.", false},

    // --- not blame: what the team should have had ---
    {"We should have had a canary for the edge config.", false},
    {"We should have had a second reviewer on infrastructure changes.", false},
    {"The team should have had a way to see replica lag in one place.", false},
    {"In hindsight we should have staged the change in one region first.", false},
    {"We failed to notice the trend because the dashboard only showed the last hour.", false},
    {"We forgot to include the cache warm-up in the checklist, so that is an action item.", false},

    // --- not blame: a product or a system as the subject ---
    {"Kinesis caused the backlog when the shard limit was reached.", false},
    {"The deploy pipeline failed to roll back the bad artifact.", false},
    {"Envoy ignored the updated route table until it was restarted.", false},
    {"The autoscaler forgot its state after the controller restarted.", false},
    {"The load balancer should have drained the node before termination.", false},
    {"The config service pushed a bad config to every edge node.", false},
    {"The scheduler failed to place the job on a healthy node.", false},
    {"Cassandra's compaction caused the latency spike.", false},
    {"The retry logic ignored the Retry-After header.", false},
    {"The CI runner wiped the volume because the cleanup path was empty.", false},
    {"The migration tool dropped the wrong index because of a name collision.", false},
    {"The health checker failed to detect the half-open connections.", false},
    {"The certificate manager forgot to renew the intermediate.", false},
    {"Terraform deleted the security group because of a renamed resource.", false},
    {"The SDK's fault handling swallowed the exception.", false},
    {"Why didn't the alert fire when the disk passed 90%?", false},
    {"Why did the deploy pipeline allow a push to all regions at once?", false},
    {"The alert was ignored because it fired forty times a day.", false},

    // --- not blame: quoted speech ---
    {"The alert text said \"someone should have checked this\", which we are rewording.", false},
    {"A customer wrote \"your engineers are incompetent\" in the support ticket.", false},
    {"At 10:02 someone asked \"who broke prod?\" in the channel; we talked about why that question shuts "
     "people down.",
     false},
    {"The commit message was \"fix Tom's mistake\", which we agreed is not how we write commit messages.",
     false},
    {"The CLI printed \"operator error: invalid flag\" because it rejected the option.", false},

    // --- not blame: security remediation ---
    {"Revoke the leaked key and rotate the database password.", false},
    {"Remove the contractor's access as part of offboarding.", false},
    {"Disable the former employee's SSO account today.", false},
    {"Rotate every token the intern's laptop had access to.", false},
    {"Audit who had access to the bucket and remove stale grants.", false},
    {"Revoke the compromised deploy key and issue a new one.", false},

    // --- not blame: ordinary technical text ---
    {"The p99 latency rose from 120 ms to 900 ms at 13:47.", false},
    {"Disk usage on db-2 reached 97% before the cleanup job ran.", false},
    {"We are adding a pre-deploy check that diffs the rendered config.", false},
    {"The cache hit ratio dropped to 40% after the eviction policy change.", false},
    {"Action item: add an alert when replication lag exceeds 30 seconds.", false},
    {"The incident was declared at 08:15 and resolved at 09:02.", false},
    {"Traffic shifted to us-east-1 within two minutes of the failover.", false},
    {"The rollback restored the previous image tag.", false},
    {"Error rates stayed below 1% for the rest of the day.", false},
    {"The runbook now has a step to verify the backup before restores.", false},
    {"Manual steps are error-prone, so we are automating the failover.", false},
};

}  // namespace

TEST_CASE("blame checker: figures on the held-out set", "[blame][heldout]") {
    int tp = 0, fp = 0, fn = 0, tn = 0;
    for (const auto& sample : heldout) {
        bool flagged = !check_blame(sample.text).empty();
        if (flagged) {
            sample.is_blame ? ++tp : ++fp;
        } else {
            sample.is_blame ? ++fn : ++tn;
        }
    }
    const double precision = tp + fp == 0 ? 0.0 : tp / static_cast<double>(tp + fp);
    const double recall = tp / static_cast<double>(tp + fn);
    const double false_alarms = fp / static_cast<double>(fp + tn);
    std::cout << "blame checker held-out: " << std::size(heldout) << " sentences (" << tp + fn << " blaming, "
              << fp + tn << " not), precision " << precision << ", recall " << recall << ", false-alarm rate "
              << false_alarms << " (TP " << tp << ", FP " << fp << ", FN " << fn << ", TN " << tn << ")\n";
    CHECK(std::size(heldout) >= 160);
    // The goal from issue 10 is recall >= 0.90 and false alarms <= 0.05 on sentences never tuned on. The
    // false-alarm goal is met; recall is not (0.87 after the general rules), so the bound asserted here is
    // the honest one reached, not the goal: raise it only with rules tuned elsewhere.
    CHECK(recall >= 0.86);
    CHECK(false_alarms <= 0.05);
    CHECK(precision >= 0.95);
}
