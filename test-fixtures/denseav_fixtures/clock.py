"""Step timer for the long full-size generators: elapsed seconds and peak RSS after each step."""
import resource
import time


class Clock:
    def __init__(self):
        self.t0 = time.time()

    def __call__(self, what):
        t = time.time()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {t - self.t0:7.1f}s  {what}   (peak RSS {rss:,.0f} MB)", flush=True)
        self.t0 = t
