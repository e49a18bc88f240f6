package io.kubestead.approval;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The release engine, and Slack (a WireMock server) set up: webhook, signing secret, response URLs, one webhook. */
public class SlackProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("kubestead.engine.enabled", "true", "kubestead.engine.threads", "4",
                "kubestead.approval.groups.release-captains", "cap-carl");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SlackMock.class));
    }
}
