/*
 * ONNX Runtime (Java) anchor for `denseav bench backbones`: median seconds per forward of an exported model
 * (test-fixtures/export_onnx_backbones.py) with 2 intra-op threads, 2 warm-ups, median of N runs.
 * Not part of the build. Run with the JDK's single-file launcher:
 *   mvn -q dependency:get -Dartifact=com.microsoft.onnxruntime:onnxruntime:1.22.0
 *   java -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.22.0/onnxruntime-1.22.0.jar \
 *        test-fixtures/OrtBench.java /tmp/onnx/vit_s8.onnx 1,3,224,224 5
 * Several inputs: shapes separated by ';' in the session's input order, e.g. "1,3,224,224;1,164200;1,164200".
 */
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

public class OrtBench {
    public static void main(String[] args) throws Exception {
        String[] shapes = args[1].split(";");
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        opts.setInterOpNumThreads(1);
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OrtSession session = env.createSession(args[0], opts)) {
            Map<String, OnnxTensor> inputs = new java.util.LinkedHashMap<>();
            Random r = new Random(0);
            int i0 = 0;
            for (String name : session.getInputNames()) {
                long[] shape = Arrays.stream(shapes[i0++].split(",")).mapToLong(Long::parseLong).toArray();
                int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                float[] data = new float[n];
                boolean mask = name.toLowerCase().contains("mask");
                for (int i = 0; i < n; i++) data[i] = mask ? 1f : (float) r.nextGaussian();
                inputs.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape));
            }
            {
                for (int i = 0; i < 2; i++) session.run(inputs).close();
                long[] t = new long[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    session.run(inputs).close();
                    t[i] = System.nanoTime() - t0;
                }
                Arrays.sort(t);
                System.out.printf("ORT %s %s: median %.0f ms, min %.0f ms (%d runs)%n", args[0], args[1], t[runs / 2] / 1e6,
                        t[0] / 1e6, runs);
            }
        }
    }
}
