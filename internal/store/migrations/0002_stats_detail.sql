-- 0002: what the half-yearly analysis needs beyond 0001: when the verdict was given (to judge
-- "decided within the term") and who extended the term (staff or the automatic notice).
ALTER TABLE case_stats ADD COLUMN verdict_at INTEGER;
ALTER TABLE case_stats ADD COLUMN extended_by TEXT NOT NULL DEFAULT '';
