"""Racing threads through get_or_create, for the single-flight tests."""

import threading
import time


def creator_runs_when_racing(get_or_create_calls, created="created"):
    """Starts one thread per callable at once; each calls it with a creator
    that takes 0.2 s and returns `created`. Returns how many times a creator
    ran, after checking that every call returned `created`.
    """
    runs = []
    results = []
    barrier = threading.Barrier(len(get_or_create_calls))

    def creator():
        runs.append(threading.get_ident())
        time.sleep(0.2)  # long enough for every other thread to arrive
        return created

    def race(get_or_create):
        barrier.wait()
        results.append(get_or_create(creator))

    threads = [threading.Thread(target=race, args=(call,)) for call in get_or_create_calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [created] * len(get_or_create_calls)
    return len(runs)
