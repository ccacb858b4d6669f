package io.denseav.graphs;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in full-size parity: DINO ViT-S/8 at 224² and HuBERT-Large on 164,200 samples (10.2625 s), random weights
 * in the official layouts, configuration detected from the weights. Generate the goldens first (≈1.4 GB, not
 * committed), then run:
 * <pre>
 * /usr/bin/python3 test-fixtures/make_fullsize_backbones.py /tmp/fullsize
 * /usr/bin/python3 test-fixtures/make_fullsize_denseav.py /tmp/fullsize_denseav
 * mvn -B test -pl samediff-graphs -am -Dtest=FullSizeParityTest -Dsurefire.failIfNoSpecifiedTests=false -Ddenseav.fullsize=/tmp/fullsize
 * </pre>
 */
@EnabledIfSystemProperty(named = "denseav.fullsize", matches = ".+",
        disabledReason = "opt-in: set -Ddenseav.fullsize=DIR written by test-fixtures/make_fullsize_backbones.py")
class FullSizeParityTest {
    private static Path dir(String name) {
        return Path.of(System.getProperty("denseav.fullsize")).resolve(name);
    }

    @Test
    void vitS8At224() {
        double worst = VitParityTest.check(dir("vit_s8"), null);
        System.out.printf("full-size ViT-S/8 224²: worst max|Δ|/max|ref| = %.3g%n", worst);
    }

    @Test
    void denseav2Head() {
        Path dir = Path.of(System.getProperty("denseav.fullsize.denseav",
                Path.of(System.getProperty("denseav.fullsize")).resolveSibling("fullsize_denseav").toString()));
        double worst = DenseAvParityTest.check(dir.resolve("denseav_2head/case_eval"), dir.resolve("denseav_2head/model.ckpt"));
        System.out.printf("full-size DenseAV-2head 224² + 164,200 samples: worst max|Δ|/max|ref| = %.3g%n", worst);
        // as the CLI runs inference: the second run comes from the planned slabs
        worst = SessionMemoryCheck.valueWithSetting(() -> Graphs.planActivations(128L << 20),
                () -> DenseAvParityTest.check(dir.resolve("denseav_2head/case_eval"), dir.resolve("denseav_2head/model.ckpt"), 2));
        System.out.printf("  the same, second run of planned activations: worst max|Δ|/max|ref| = %.3g%n", worst);
    }

    @Test
    void hubertLargeOn10Seconds() {
        double worst = HubertParityTest.check(dir("hubert_large"), "hf", null);
        System.out.printf("full-size HuBERT-Large 164,200 samples: worst max|Δ|/max|ref| = %.3g%n", worst);
    }
}
