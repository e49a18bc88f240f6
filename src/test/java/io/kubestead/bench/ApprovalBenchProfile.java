package io.kubestead.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The benchmark profile with Slack interactions and a local webhook set up. */
public class ApprovalBenchProfile extends BenchProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = new HashMap<>(super.getConfigOverrides());
        m.put("quarkus.log.category.\"io.kubestead.approval\".level", "WARN");
        return m;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(LocalHooks.class));
    }
}
