package io.denseav.evaluation.protocols;

/** The builder of a protocol over a pairs manifest ({@link PairManifest}): its options, and which split. */
public abstract class PairsProtocolBuilder<B extends PairsProtocolBuilder<B>> extends ProtocolBuilder<B> {
    String split;

    PairsProtocolBuilder() {
    }

    /** Only rows whose {@code split} column has this value (default: every row). */
    public B optSplit(String s) {
        this.split = s;
        return self();
    }
}
