-- Full-text search over published current course versions (drizzle cannot express virtual tables).
-- rowid = courses.id in both; rows are written in the same transaction as publish/retire
-- (app/modules/catalog/search.server.ts). Contentless: course_search keeps the listing fields.
-- course_fts: trigram substrings, used for query terms of 3 or more characters (太极拳, 手机课).
CREATE VIRTUAL TABLE `course_fts` USING fts5(title, summary, tags, body, tokenize = 'trigram remove_diacritics 1', content = '', contentless_delete = 1);
--> statement-breakpoint
-- course_fts_ngram: the same text pre-split into single CJK characters, CJK bigrams and whole
-- Latin/digit words, used for 1–2 character terms (环, 环保, 党史, AI) that trigrams cannot match.
CREATE VIRTUAL TABLE `course_fts_ngram` USING fts5(title, summary, tags, body, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1);
