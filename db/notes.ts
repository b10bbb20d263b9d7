/** R7: the rep's notes on a lead, kept on its timeline. */
import type { Db } from './index';

export interface Note {
  id: string;
  leadId: string;
  author: string;
  body: string;
  at: string;
}

interface NoteRow {
  id: string;
  lead_id: string;
  author: string;
  body: string;
  at: Date;
}

const toNote = (r: NoteRow): Note => ({
  id: String(r.id),
  leadId: r.lead_id,
  author: r.author,
  body: r.body,
  at: r.at.toISOString(),
});

/** Stores a note; with a request key, a repeated request returns the note stored the first time. */
export async function addNote(
  db: Db,
  note: { leadId: string; author: string; body: string; requestKey?: string },
): Promise<Note> {
  const [inserted] = await db.query<NoteRow>(
    `INSERT INTO notes (lead_id, author, body, request_key) VALUES ($1, $2, $3, $4)
     ON CONFLICT (request_key) DO NOTHING RETURNING id, lead_id, author, body, at`,
    [note.leadId, note.author, note.body, note.requestKey ?? null],
  );
  if (inserted) return toNote(inserted);
  const [earlier] = await db.query<NoteRow>('SELECT id, lead_id, author, body, at FROM notes WHERE request_key = $1', [
    note.requestKey,
  ]);
  return toNote(earlier!);
}
