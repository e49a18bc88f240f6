package io.kubestead.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of a set of measurements in milliseconds. */
final class Stats {

    private Stats() {
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static String summary(List<Double> ms) {
        return String.format("n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms", ms.size(), percentile(ms, 50), percentile(ms, 99),
                percentile(ms, 100));
    }
}
