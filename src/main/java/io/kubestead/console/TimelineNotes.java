package io.kubestead.console;

import java.util.Map;

import io.kubestead.release.ReleaseView;
import io.quarkus.qute.TemplateExtension;

/** What an event's details add to its line on a release's timeline, in words ({@code e.note} in templates). */
@TemplateExtension
public class TimelineNotes {

    private TimelineNotes() {
    }

    /**
     * An approval step's events: "at step 2", "approved via console (1 of 2 approvals); waiting for 1 more approval",
     * "rejected via slack"; nothing for other events.
     */
    static String note(ReleaseView.Event e) {
        Map<String, Object> d = e.details();
        if (d == null || !(d.get("step") instanceof Number step)) {
            return null;
        }
        return switch (e.type()) {
            case "ApprovalRequested", "ApprovalExpired" -> "at step " + (step.intValue() + 1);
            case "ApprovalDecided" -> {
                if (!"approve".equals(d.get("decision"))) {
                    yield "rejected via " + d.get("via");
                }
                Object waiting = d.get("waitingFor");
                yield "approved via " + d.get("via") + " (" + d.get("approvals") + " of " + d.get("needed") + " approvals)"
                        + (waiting == null || "nothing".equals(waiting) ? "" : "; waiting for " + waiting);
            }
            default -> null;
        };
    }
}
