package io.kubestead.common;

import java.util.List;
import java.util.function.Function;

/** One page of a list: items, the page asked for and the total. */
public record Page<T>(List<T> items, int page, int size, long total) {

    /** A page cut from a list that is bounded already (configuration, one user's tokens). */
    public static <T> Page<T> of(List<T> all, PageRequest request) {
        int from = Math.min(all.size(), request.offset());
        int to = Math.min(all.size(), from + request.size());
        return new Page<>(all.subList(from, to), request.page(), request.size(), all.size());
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), page, size, total);
    }
}
