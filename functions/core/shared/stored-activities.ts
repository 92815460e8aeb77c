/** Every stored activity of a user from `from` (to `to`, inclusive), across the store's pages. */
import type { DataStore, StoredActivity } from './ports';

/** The store's largest page: a range of activities is read in as few queries as it allows. */
const PAGE = 1000;

export const storedActivities = async (data: DataStore, userId: string, from: string, to?: string): Promise<StoredActivity[]> => {
  const items: StoredActivity[] = [];
  let cursor: string | undefined;
  do {
    const page = await data.queryActivities(userId, { from, ...(to ? { to } : {}), limit: PAGE, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
};
