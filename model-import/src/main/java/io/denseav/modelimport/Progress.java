package io.denseav.modelimport;

/**
 * Reports the progress of a long step (as DJL's {@code Progress}): the CLI renders it as a bar on a terminal
 * and as periodic log lines otherwise; library users may pass {@link #NONE}.
 */
public interface Progress {

    /** Starts a step of {@code total} units (bytes, items, ...). */
    void start(String task, long total);

    /** Advances by {@code units}. */
    void step(long units);

    /** Ends the current step. */
    void done();

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void start(String task, long total) {
        }

        @Override
        public void step(long units) {
        }

        @Override
        public void done() {
        }
    };
}
