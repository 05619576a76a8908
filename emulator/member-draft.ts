import type { Image, Member, MemberDraft } from './types.js';

/**
 * Member lists copied on first use, so a job can discard all its changes
 * (`fail-job` mode) or commit them at once.
 */
export class CopyOnWriteMembers implements MemberDraft {
  private readonly copies = new Map<Image, Member[]>();

  /** Returns the working member list of an image. */
  members(image: Image): Member[] {
    let copy = this.copies.get(image);
    if (!copy) {
      copy = image.members.map((member) => ({ ...member }));
      this.copies.set(image, copy);
    }
    return copy;
  }

  /** Writes the working lists back to their images; `nowIso` dates them. */
  commit(nowIso: string): void {
    for (const [image, members] of this.copies) {
      if (JSON.stringify(members) !== JSON.stringify(image.members)) {
        image.members = members;
        image.updatedAt = nowIso;
      }
    }
  }
}
