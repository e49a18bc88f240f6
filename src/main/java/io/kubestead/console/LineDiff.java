package io.kubestead.console;

import java.util.ArrayList;
import java.util.List;

/** A line diff (longest common subsequence) of two small texts, for comparing rollout revisions. */
public final class LineDiff {

    public record Line(String kind, String text) {
    }

    private LineDiff() {
    }

    public static List<Line> diff(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        int[][] lcs = new int[x.length + 1][y.length + 1];
        for (int i = x.length - 1; i >= 0; i--) {
            for (int j = y.length - 1; j >= 0; j--) {
                lcs[i][j] = x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Line> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < x.length || j < y.length) {
            if (i < x.length && j < y.length && x[i].equals(y[j])) {
                out.add(new Line("same", x[i]));
                i++;
                j++;
            } else if (j < y.length && (i == x.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add(new Line("added", y[j++]));
            } else {
                out.add(new Line("removed", x[i++]));
            }
        }
        return out;
    }
}
