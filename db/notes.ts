/** R7: the rep's notes on a lead, kept on its timeline. */
import type { Db } from './index';

export interface Note {
  id: string;
  leadId: string;
  author: string;
  body: string;
  at: string;
}

export async function addNote(db: Db, note: { leadId: string; author: string; body: string }): Promise<Note> {
  const [row] = await db.query<{ id: string; at: Date }>('INSERT INTO notes (lead_id, author, body) VALUES ($1, $2, $3) RETURNING id, at', [note.leadId, note.author, note.body]);
  return { id: String(row!.id), ...note, at: row!.at.toISOString() };
}
