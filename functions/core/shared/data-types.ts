/**
 * What a sync reads, as the user chose (PATCH /garmin/connection). Daily summaries and the
 * profile are always read: the summaries' day plan decides which days weight, hydration and
 * sleep are read for and when they are final, and the profile gives the user's time zone that
 * says what "today" is. Hydration is on by default: a nutrition tracker shows intake against
 * goal, and it costs one request per planned day only when wellness is due (every 2 h for today).
 */
import { DATA_TYPES, type ConnectionRecord, type DataType, WELLNESS_KINDS, type WellnessKind } from './ports';

export const DEFAULT_DATA_TYPES: readonly DataType[] = DATA_TYPES;
export const REQUIRED_DATA_TYPES: readonly DataType[] = ['dailySummaries', 'profile'];

export const dataTypesOf = (connection: Pick<ConnectionRecord, 'dataTypes'>): readonly DataType[] => connection.dataTypes ?? DEFAULT_DATA_TYPES;

export const syncsActivities = (connection: Pick<ConnectionRecord, 'dataTypes'>): boolean => dataTypesOf(connection).includes('activities');

export const wellnessKindsOf = (connection: Pick<ConnectionRecord, 'dataTypes'>): WellnessKind[] => {
  const types = dataTypesOf(connection);
  return WELLNESS_KINDS.filter((kind) => types.includes(kind));
};
