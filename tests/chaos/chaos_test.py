"""The fault suite, short: a few trials of each case (tests/chaos/chaos.py) on one stack of
real binaries. bench/chaos.py runs the same cases with many trials and prints the figures.

ALERTHUB_CHAOS_TRIALS sets the trials per case (default 5)."""

import os
import random
import unittest

import chaos

TRIALS = int(os.environ.get("ALERTHUB_CHAOS_TRIALS", "5"))


class Chaos(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = chaos.start_stack(os.environ.get("ALERTHUB_BIN"))
        cls.rng = random.Random(int(os.environ.get("ALERTHUB_CHAOS_SEED", "13")))

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def report(self, name, figures):
        print(f"\n{name}: {figures}  (logs in {self.stack.logs})", flush=True)

    def check_delivery(self, name, figures):
        self.report(name, figures)
        self.assertGreater(figures["accepted"], 0)
        self.assertEqual(figures["lost"], 0, figures)
        self.assertEqual(figures["duplicated"], 0, figures)

    def test_mail_adapter_kill(self):
        self.check_delivery("mail adapter kill -9",
                            chaos.adapter_kill(self.stack, "mail", TRIALS, rng=self.rng))

    def test_line_adapter_kill(self):
        self.check_delivery("LINE adapter kill -9",
                            chaos.adapter_kill(self.stack, "line", TRIALS, rng=self.rng))

    def test_hub_kill_during_ingest(self):
        self.check_delivery("hub kill -9 during ingest",
                            chaos.hub_kill_during_ingest(self.stack, max(1, TRIALS // 2),
                                                         rng=self.rng))

    def test_broker_kill_after_cancel(self):
        figures = chaos.broker_kill_after_cancel(self.stack, TRIALS, rng=self.rng)
        self.report("broker kill -9 after a cancel", figures)
        self.assertEqual(figures["resurrected"], 0, figures)

    def test_broker_outage_update(self):
        figures = chaos.broker_outage_update(self.stack, max(1, TRIALS // 2), outage_s=2.0,
                                             rng=self.rng)
        self.report("broker outage during an update", figures)
        self.assertEqual(figures["not_shown"], 0, figures)
        self.assertLessEqual(max(figures["resync_s"]), 1.0, figures)

    def test_player_restart_offline(self):
        figures = chaos.player_restart_offline(self.stack, max(1, TRIALS // 2), rng=self.rng)
        self.report("player restart after being away", figures)
        self.assertEqual(figures["missed"], 0, figures)
        self.assertEqual(figures["resurrected"], 0, figures)


if __name__ == "__main__":
    unittest.main()
