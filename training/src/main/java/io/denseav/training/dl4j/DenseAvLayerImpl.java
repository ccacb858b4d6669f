package io.denseav.training.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The runtime of {@link DenseAvLayer}: DL4J's SameDiffLayer with two M2.1 bugs worked around (dl4j-samediff.md §4).
 * <ol>
 * <li>The backward pass builds its gradient function without loss variables; SameDiff then takes the
 * ExternalErrorsFunction's output as the loss only when no other op output is left unconsumed. The DenseAV graph
 * leaves several ("image/cls", "audio/extract_features", ...), so backprop failed with "No loss variables have been
 * specified". The external-errors output is named the loss here (through a TrainingConfig: {@code setLossVariables}
 * refuses it, being a CONSTANT).</li>
 * <li>ExternalErrorsFunction's gradient is counted twice (the gradient function holds {@code add(g, g)}): measured on
 * a one-matmul SameDiffLayer, d Σ(xW)/dW came out as twice the column sums of x. The incoming gradient is halved,
 * so parameter gradients equal those of one SameDiff graph of the model (checked by DenseAvComputationGraphTest).</li>
 * </ol>
 */
final class DenseAvLayerImpl extends SameDiffLayer {
    DenseAvLayerImpl(NeuralNetConfiguration conf, DataType dtype) {
        super(conf, dtype);
    }

    @Override
    protected void doInit() {
        super.doInit();
        sameDiff.setTrainingConfig(new TrainingConfig.Builder().updater(new NoOp()).dataSetFeatureMapping(INPUT_KEY)
                .markLabelsUnused().minimize(fn.outputVariable().name()).build());
    }

    /** The layer's SameDiff graph, built on the first forward pass (null before). */
    SameDiff graph() {
        return sameDiff;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return super.backpropGradient(epsilon.mul(0.5), workspaceMgr);
    }
}
