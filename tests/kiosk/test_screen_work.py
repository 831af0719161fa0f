"""The screens' one background-work helper: calls answer in order; a replaced read never blocks."""

from __future__ import annotations

import threading

from kiosk.screens.work import InOrder


def test_turns_are_served_in_the_order_they_were_handed_out():
    order, seen = InOrder(), []
    tickets = [order.ticket() for _ in range(5)]

    def run(ticket: int) -> None:
        order.wait(ticket)
        seen.append(ticket)
        order.done(ticket)

    threads = [threading.Thread(target=run, args=(t,)) for t in reversed(tickets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert seen == tickets


def test_a_turn_given_up_before_its_thread_started_does_not_block_the_next():
    order = InOrder()
    replaced, later = order.ticket(), order.ticket()
    order.done(replaced)  # a newer read replaced it; its worker may never run
    waited = threading.Thread(target=order.wait, args=(later,))
    waited.start()
    waited.join(timeout=5)
    assert not waited.is_alive()
    order.done(replaced)  # the replaced worker finishing after all is harmless
    order.done(later)
    assert order.ticket() == 2
