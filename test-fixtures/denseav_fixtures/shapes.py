"""Helpers for key/shape tables (OrderedDict name -> shape list)."""


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def assert_layout(state_dict, table, what):
    got = [(k, list(v.shape)) for k, v in state_dict.items()]
    want = [(k, list(v)) for k, v in table.items()]
    if got != want:
        missing = set(dict(want)) - set(dict(got))
        extra = set(dict(got)) - set(dict(want))
        raise AssertionError(f"{what}: layout mismatch; missing={sorted(missing)[:5]} "
                             f"extra={sorted(extra)[:5]} (or order/shape differs)")
