package io.denseav.training;

import io.denseav.data.train.TrainingBatch;
import io.denseav.graphs.DenseAv;
import io.denseav.graphs.Graphs;
import io.denseav.training.loss.LossDims;
import io.denseav.training.loss.LossSampling;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Data parallelism with one gathered contrastive batch, as the reference's all-gather (denseav-reference.md §5:
 * {@code GatherLayer}, 4 GPUs × 10 = 40 pairs in every InfoNCE matrix). Each worker, on its own thread pinned to an
 * ND4J device ({@code AffinityManager}), runs the image and audio paths on its slice of the batch with its own replica
 * of the weights. The features are gathered in batch order into the loss graph the single-device trainer uses
 * ({@link LossBlock}); the loss's gradient with respect to each worker's features goes back, each worker
 * back-propagates it through its paths, and the workers' weight gradients are summed in worker order. That is the
 * single-device step's loss and gradients for the same global batch, up to float summation order.
 * <p>
 * The backward pass runs each worker's forward again (GradCache, Gao et al. 2021): M2.1's SameDiff cannot start a
 * backward pass from a given upstream gradient, so each worker's graph has the surrogate loss
 * {@code Σ feats·upstream}, whose weight gradient is exactly Jᵀ·upstream. No activations are held between passes.
 */
final class DataParallel implements GradientEngine {
    private static final String GATHERED_AUDIO = "gathered/audio_feats";
    private static final String GATHERED_IMAGE = "gathered/image_feats";

    private final DenseAv master;
    private final TrainConfig config;
    private final int imageSize;
    private final int samples;
    private final int perWorker;
    private final List<Worker> workers = new ArrayList<>();
    private final Map<Boolean, GatheredLoss> losses = new HashMap<>();
    private final Map<String, String> component;

    /** One worker: a thread on one device, the model's paths for {@code perWorker} items, and the surrogate loss. */
    private static final class Worker {
        final ExecutorService thread;
        final SameDiff sd = Graphs.create();

        Worker(ExecutorService thread, DenseAv model, TrainConfig config, int b, int imageSize, int samples, int mapSize) {
            this.thread = thread;
            TrainingGraph.Features f = TrainingGraph.addPaths(sd, model, config, b, imageSize, samples);
            SDVariable image = f.image();
            SDVariable audio = f.audio();
            sd.identity(GATHERED_IMAGE, image);
            sd.identity(GATHERED_AUDIO, audio);
            long code = model.config().codeDim();
            SDVariable upImage = sd.placeHolder("upstream/image", DataType.FLOAT, b, code, mapSize, mapSize);
            SDVariable upAudio = sd.placeHolder("upstream/audio", DataType.FLOAT, b, code, 1, model.alignedFrames(samples));
            sd.setLossVariables(image.mul(upImage).sum().add("surrogate", audio.mul(upAudio).sum()));
        }

        <T> Future<T> submit(java.util.concurrent.Callable<T> task) {
            return thread.submit(task);
        }
    }

    /** The loss graph over the gathered features, with the features as variables so their gradients come out. */
    private static final class GatheredLoss {
        final SameDiff sd = Graphs.create();
        final LossBlock block;

        GatheredLoss(DenseAv model, TrainConfig config, LossDims d, int imageSize, boolean silence) {
            SDVariable audio = sd.var(GATHERED_AUDIO, Nd4j.zeros(DataType.FLOAT, d.batch(), d.code(), 1, d.t()));
            SDVariable image = sd.var(GATHERED_IMAGE, Nd4j.zeros(DataType.FLOAT, d.batch(), d.code(), d.h(), d.w()));
            block = new LossBlock(audio, image, model, config, d, imageSize, silence);
        }
    }

    /**
     * @param workers how many workers; the batch must split evenly. Worker w runs on device {@code w mod devices}; on
     *                CPU all share the one device and run as parallel threads.
     */
    DataParallel(DenseAv model, TrainConfig config, int imageSize, int samples, int workers) {
        if (workers < 1 || config.batchSize() % workers != 0) {
            throw new IllegalArgumentException("a batch of " + config.batchSize() + " does not split over " + workers + " workers");
        }
        this.master = model;
        this.config = config;
        this.imageSize = imageSize;
        this.samples = samples;
        this.perWorker = config.batchSize() / workers;
        int devices = Math.max(1, Nd4j.getAffinityManager().getNumberOfDevices());
        int mapSize = TrainingGraph.mapSize(model, config, imageSize);
        for (int w = 0; w < workers; w++) {
            int device = w % devices;
            ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(() -> {
                    Nd4j.getAffinityManager().unsafeSetDevice(device);
                    r.run();
                }, "denseav-worker-" + device);
                t.setDaemon(true);
                return t;
            });
            // worker 0 holds the master weights; the others replicate them on their device once worker 0 built its
            // graph (so every weight has been handed out)
            boolean first = w == 0;
            this.workers.add(get(thread.submit(() -> new Worker(thread, first ? model : model.replica(), config, perWorker,
                    imageSize, samples, mapSize))));
        }
        this.component = TrainingGraph.components(model);
    }

    private GatheredLoss loss(boolean silence) {
        return losses.computeIfAbsent(silence, s -> new GatheredLoss(master, config,
                TrainingGraph.lossDims(master, config, config.batchSize(), imageSize, samples), imageSize, s));
    }

    @Override
    public DenseAv model() {
        return master;
    }

    @Override
    public int samples() {
        return samples;
    }

    @Override
    public Result gradients(TrainingBatch b, INDArray frameMask, INDArray positive, LossSampling sampling, int phase, Noise noise) {
        GatheredLoss loss = loss(sampling.silenceApplies(frameMask));
        // 1. every worker's features of its slice; 2. gathered in batch order
        // each worker's dropout masks come from its own seed, the same in both passes (the backward pass runs the
        // forward again and must see the very same masks)
        List<Map<String, INDArray>> feats = forEach(w -> {
            Nd4j.getRandom().setSeed(workerSeed(noise, w));
            return workers.get(w).sd.output(slice(b, w, noise), GATHERED_AUDIO, GATHERED_IMAGE);
        });
        loss.sd.getArrForVarName(GATHERED_AUDIO).assign(Nd4j.concat(0, feats.stream().map(f -> f.get(GATHERED_AUDIO)).toArray(INDArray[]::new)));
        loss.sd.getArrForVarName(GATHERED_IMAGE).assign(Nd4j.concat(0, feats.stream().map(f -> f.get(GATHERED_IMAGE)).toArray(INDArray[]::new)));
        // 3. the loss and its gradient w.r.t. the gathered features (and the calibrator, which lives here)
        List<String> lossVars = new ArrayList<>(List.of(GATHERED_AUDIO, GATHERED_IMAGE));
        List<String> trainable = TrainingGraph.trainable(phase, config, component, loss.sd);
        lossVars.addAll(trainable);
        OutAndGrad lr = io.denseav.graphs.Graphs.gradients(loss.sd, loss.block.inputs(frameMask, positive, b.source(),
                b.imageMasks(), sampling), loss.block.names(), lossVars);
        INDArray upAudio = lr.getGradients().get(GATHERED_AUDIO);
        INDArray upImage = lr.getGradients().get(GATHERED_IMAGE);
        // 4. each worker back-propagates its slice of the upstream gradient; 5. summed in worker order
        List<String> workerTrainable = TrainingGraph.trainable(phase, config, component, workers.get(0).sd);
        List<Map<String, INDArray>> grads = forEach(w -> {
            Map<String, INDArray> in = slice(b, w, noise);
            in.put("upstream/audio", rows(upAudio, w).dup());
            in.put("upstream/image", rows(upImage, w).dup());
            Nd4j.getRandom().setSeed(workerSeed(noise, w));
            return io.denseav.graphs.Graphs.gradients(workers.get(w).sd, in, List.of(), workerTrainable).getGradients();
        });
        Map<String, INDArray> sum = new LinkedHashMap<>();
        for (String name : workerTrainable) {
            INDArray g = null;
            for (Map<String, INDArray> wg : grads) {
                INDArray x = wg.get(name);
                if (x != null) g = g == null ? x.dup() : g.addi(x);
            }
            if (g != null) sum.put(name, g);
        }
        for (String name : trainable) {
            INDArray g = lr.getGradients().get(name);
            if (g != null) sum.put(name, g);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String n : loss.block.names()) out.put(n, lr.getOutputs().get(n).getDouble(0));
        return new Result(out, sum);
    }

    private static long workerSeed(Noise noise, int w) {
        return noise.seed() + 0x9E3779B97F4A7C15L * w;
    }

    /** Worker {@code w}'s rows of the batch (and of the time masks) as its placeholders. */
    private Map<String, INDArray> slice(TrainingBatch b, int w, Noise noise) {
        Map<String, INDArray> in = new HashMap<>();
        in.put(TrainingGraph.IMAGE, rows(b.images(), w).dup());
        in.put(TrainingGraph.AUDIO, rows(b.audio(), w).dup());
        if (noise.timeMask() != null) in.put(DenseAv.AUDIO_TIME_MASK, rows(noise.timeMask(), w).dup());
        return in;
    }

    private INDArray rows(INDArray a, int w) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval((long) w * perWorker, (long) (w + 1) * perWorker);
        for (int i = 1; i < idx.length; i++) idx[i] = NDArrayIndex.all();
        return a.get(idx);
    }

    private <T> List<T> forEach(Function<Integer, T> task) {
        List<Future<T>> fs = new ArrayList<>();
        for (int w = 0; w < workers.size(); w++) {
            int id = w;
            fs.add(workers.get(w).submit(() -> task.apply(id)));
        }
        List<T> out = new ArrayList<>();
        for (Future<T> f : fs) out.add(get(f));
        return out;
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public INDArray weight(String name) {
        INDArray a = workers.get(0).sd.getArrForVarName(name);
        return a != null ? a : losses.values().iterator().next().sd.getArrForVarName(name);
    }

    /** The replicas copy the updated weights from worker 0's (the master's) arrays. */
    @Override
    public void updated(List<String> names) {
        forEach(w -> {
            if (w == 0) return null;
            for (String n : names) {
                INDArray mine = workers.get(w).sd.getArrForVarName(n);
                if (mine != null) mine.assign(weight(n));
            }
            return null;
        });
    }

    @Override
    public void close() {
        workers.forEach(w -> w.thread.shutdownNow());
    }
}
