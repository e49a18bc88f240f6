package io.kubestead.rollout.spec;

import java.time.Duration;
import java.util.Map;

/** One canary step; each has exactly one kind. */
public sealed interface Step {

    /** The word used in documents and events. */
    String kind();

    record SetWeight(int weight) implements Step {
        public String kind() {
            return "setWeight";
        }
    }

    /** A pause; a null duration waits for a person to resume or promote. */
    record Pause(Duration duration) implements Step {
        public String kind() {
            return "pause";
        }
    }

    record Analysis(String template, Map<String, String> args) implements Step {
        public Analysis {
            args = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(args));
        }

        public String kind() {
            return "analysis";
        }
    }

    /** Waits for people to approve (then the next step) or reject (then an abort), within the policy's timeout. */
    record Approval(ApprovalPolicy policy) implements Step {
        public String kind() {
            return "approval";
        }
    }
}
