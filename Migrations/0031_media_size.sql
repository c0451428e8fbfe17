-- Recordkeeper schema version 31: the size of each archived media file, kept by the media
-- projection from the `whatsapp.media.stored` header (which names it from this version on), so
-- the conversation page names a document's size without decrypting the file (issue 17).
--
-- Files archived before keep NULL: their headers do not carry a size, and the page reads theirs
-- from the archive as before.
ALTER TABLE media ADD COLUMN size bigint CHECK (size >= 0);
