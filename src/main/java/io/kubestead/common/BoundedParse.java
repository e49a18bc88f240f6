package io.kubestead.common;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import net.sf.jsqlparser.parser.CCJSqlParser;

/**
 * Runs JSqlParser on text from outside within bounds. Some shapes make its backtracking take minutes, so a parse gets
 * a time budget, after which the parser is told to stop (its {@code interrupted} flag, which it polls between decisions
 * and obeys within ~0.1 s). It and its visitors recurse once per operator, so the parse runs on a thread of its own
 * with room to spare on the stack.
 */
public final class BoundedParse {

    /** 10,000 characters of {@code 1+1+...} need about 4 MiB of stack. */
    public static final long STACK_BYTES = 16L << 20;

    /**
     * JSqlParser's complex mode (needed for e.g. {@code substring(x from 2 for 3)}) backtracks far more than its
     * simple mode: 10,000 characters of depth-7 groups take some 20 s, and its own guard only stops at depth 10. Within
     * these bounds it stays under half a second; past them a text the simple mode refuses stays refused.
     */
    public static final int COMPLEX_MAX_DEPTH = 3;
    public static final int COMPLEX_MAX_LENGTH = 500;

    private BoundedParse() {
    }

    /** Whether a text of this length and nesting ({@link SqlLexer#nesting}) may be tried in the complex mode. */
    public static boolean complexAllowed(int length, int nesting) {
        return length <= COMPLEX_MAX_LENGTH && nesting <= COMPLEX_MAX_DEPTH;
    }

    /** One parse under way; when its time is up the parser it is using is told to stop. */
    public static final class Job {

        private volatile CCJSqlParser parser;
        private volatile boolean stopped;

        /** Registers the parser about to run, so that it can be stopped. */
        public void use(CCJSqlParser p) {
            parser = p;
            if (stopped) {
                p.interrupted = true;
            }
        }

        void stop() {
            stopped = true;
            CCJSqlParser p = parser;
            if (p != null) {
                p.interrupted = true;
            }
        }
    }

    /**
     * Runs {@code work} on a thread with a large stack and returns its result. Past the budget the parser is stopped
     * and a {@link TimeoutException} thrown; what the work throws is rethrown ({@link StackOverflowError} included).
     */
    public static <T> T run(String threadName, Duration budget, Function<Job, T> work) throws TimeoutException {
        Job job = new Job();
        FutureTask<T> task = new FutureTask<>(() -> work.apply(job));
        Thread t = new Thread(null, task, threadName, STACK_BYTES);
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + budget.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    // the wait is bounded by the budget anyway; the caller sees its interrupt flag afterwards
                    interrupted = true;
                } catch (TimeoutException e) {
                    job.stop();
                    throw e;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
