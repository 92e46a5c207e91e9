-- SQLite has one writer, so its outboxes' AUTOINCREMENT already follows commit order; the
-- PostgreSQL migration of this name positions events by transaction instead.
SELECT 1;
