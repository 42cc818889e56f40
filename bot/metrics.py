"""The service's Prometheus metrics: what one process counts, and the figures read from the database.

One registry per application (not prometheus-client's global one): a test process builds many
applications, and each instance of a deployment reports its own counters. What the database holds
(the outbox, tickets past their deadlines) is the same whichever instance is asked; it is read at
each scrape by the product (``handlers/web/metrics.py``) and set here as gauges.

The names, what each means and the alerts to set on them are in docs/operations.md.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# WeChat's deadline is 5 s; the inbox answers ``success`` at 4 s (webhook.reply_deadline_seconds).
REPLY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0)
FALLBACK_INTENT = "other"  # the NLU's label for words it cannot place (docs/nlu.md)


class Metrics:
    """The counters and gauges of one running service."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.messages = Counter("wuyebot_messages", "Owners' and staff's messages handled, by intent (text) or "
                                "by kind (event, image, voice without text …)", ["intent"], registry=registry)
        self.reply_seconds = Histogram("wuyebot_reply_seconds", "Time from a webhook message's arrival to its "
                                       "answer (passive reply or success)", buckets=REPLY_BUCKETS, registry=registry)
        self.deadline_misses = Counter("wuyebot_reply_deadline_misses", "Messages answered with success at the "
                                       "deadline, their reply following as a push", registry=registry)
        self.busy_replies = Counter("wuyebot_busy_replies", "Messages answered with the polite 'system busy' "
                                    "because handling failed (the database unavailable …)", registry=registry)
        self.understandings = Counter("wuyebot_nlu_understandings", "Texts the NLU read", registry=registry)
        self.fallbacks = Counter("wuyebot_nlu_fallbacks", f"Texts the NLU could not place (intent "
                                 f"{FALLBACK_INTENT}); the fallback rate is this over wuyebot_nlu_understandings",
                                 registry=registry)
        self.push_failures = Counter("wuyebot_outbox_failures", "Delivery attempts of this instance that failed, "
                                     "by what followed (retry, dead, held, fallback)", ["outcome"], registry=registry)
        self.outbox = Gauge("wuyebot_outbox_pushes", "Pushes in the outbox by state (read from the database at "
                            "each scrape: the same on every instance)", ["state"], registry=registry)
        self.sla_breaches = Gauge("wuyebot_sla_breaches", "Open tickets past a deadline, by the deadline's name "
                                  "(on_site, answer, resolve, acknowledge, report), read from the database at "
                                  "each scrape", ["deadline"], registry=registry)

    def understood(self, intent: str) -> None:
        self.understandings.inc()
        if intent == FALLBACK_INTENT:
            self.fallbacks.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


__all__ = ["CONTENT_TYPE", "FALLBACK_INTENT", "Metrics"]
