# SPDX-License-Identifier: MIT
"""Results as a pandas DataFrame, for those who have pandas."""


def frame(rows):
    """A DataFrame with one row per result and metric (the dicts of results())."""
    try:
        import pandas
    except ImportError as e:
        raise ImportError(
            "results_frame() needs pandas, which is not importable here (%s); install it "
            "(Debian: apt install python3-pandas) or use results(), which returns dicts"
            % e) from e
    from .context import _RESULT_FIELDS
    return pandas.DataFrame.from_records(rows, columns=_RESULT_FIELDS)
