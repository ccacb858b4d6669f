package io.denseav.graphs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@link ActivationPlan}: planned runs compute the same floats, and a place still in use is never handed out. */
class ActivationPlanTest {
    @Test
    void plannedSessionsComputeTheSameFloats() { // call 0 is recorded, calls 1 and 2 run from the slabs
        SessionMemoryCheck.sameFloatsOverThreeCalls(() -> Graphs.planActivations(64L << 20),
                m -> ((ActivationPlan) m).slabBytes());
    }

    @Test
    void anotherInputShapeFallsBackAndIsRecordedAgain() {
        SessionMemoryCheck.withSetting(() -> Graphs.planActivations(64L << 20), () -> {
            SameDiff sd = Graphs.create();
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 8);
            SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 8, 8));
            sd.math().tanh(x.mmul(w).add(1.0)).mmul(w).mul(2.0).sum("y", 1);
            for (int rows : new int[] {2, 2, 2, 3, 3, 2, 3}) {
                INDArray in = Nd4j.rand(DataType.FLOAT, rows, 8);
                INDArray want = Transforms.tanh(in.mmul(w.getArr()).add(1.0)).mmul(w.getArr()).mul(2.0).sum(1);
                INDArray got = sd.output(Map.of("x", in), "y").get("y");
                assertArrayEquals(want.toFloatVector(), got.toFloatVector(), 1e-5f, rows + " rows");
            }
        });
    }

    @Test
    void aPlaceStillInUseIsNeverHandedOut() {
        try (ActivationPlan plan = new ActivationPlan(1 << 20)) {
            plan.beginRun(); // recorded: a is released before b is allocated, so they share one place
            INDArray a = plan.allocate(false, DataType.FLOAT, 64);
            plan.release(a);
            INDArray b = plan.allocate(false, DataType.FLOAT, 64);
            plan.release(b);
            plan.endRun(true);

            plan.beginRun(); // as recorded
            assertEquals(64 * 4, plan.slabBytes(), "one shared place of 64 floats");
            a = plan.allocate(false, DataType.FLOAT, 64);
            plan.release(a);
            b = plan.allocate(false, DataType.FLOAT, 64);
            assertEquals(a.data().address(), b.data().address(), "b takes a's place once a is released");
            plan.release(b);
            plan.endRun(true);

            plan.beginRun(); // out of order: a is still alive when b is asked for
            a = plan.allocate(false, DataType.FLOAT, 64);
            a.assign(7);
            b = plan.allocate(false, DataType.FLOAT, 64);
            assertNotEquals(a.data().address(), b.data().address(), "b gets fresh memory");
            b.assign(1);
            assertEquals(7 * 64, a.sumNumber().doubleValue(), "a is untouched");
            plan.release(a);
            plan.release(b);
            plan.endRun(true);
            plan.beginRun();
            assertEquals(0, plan.slabBytes(), "the next run is recorded again");
        }
    }

    @Test
    void outputsGetFreshMemoryAndAFailedRecordingIsNotPlanned() {
        try (ActivationPlan plan = new ActivationPlan(1 << 20)) {
            plan.beginRun(); // fails half-way: nothing to plan from
            plan.release(plan.allocate(false, DataType.FLOAT, 32));
            plan.endRun(false);
            plan.beginRun();
            assertEquals(0, plan.slabBytes(), "a failed run is recorded again");
            INDArray scratch = plan.allocate(false, DataType.FLOAT, 32);
            plan.release(scratch);
            plan.allocate(false, DataType.FLOAT, 32); // never released: the run's output
            plan.endRun(true);

            plan.beginRun();
            assertEquals(32 * 4, plan.slabBytes(), "only the released activation is planned");
            INDArray placed = plan.allocate(false, DataType.FLOAT, 32);
            plan.release(placed);
            INDArray next = plan.allocate(false, DataType.FLOAT, 32);
            next.assign(3);
            plan.endRun(true);
            plan.beginRun();
            INDArray again = plan.allocate(false, DataType.FLOAT, 32);
            again.assign(5);
            assertEquals(3 * 32, next.sumNumber().doubleValue(), "an output outlives the next run's activations");
            assertNotEquals(placed.data().address(), next.data().address(), "outputs are not in the slab");
        }
    }
}
