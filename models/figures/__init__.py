"""One truth for attendance and visit figures: the counting rules, their facts and the report."""
