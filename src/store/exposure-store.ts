/** Filters and the network description, cached from `source.imported` events. (Being written.) */
import type Database from 'better-sqlite3';
import type { FilterBatch } from '../exposure/model';
import type { NetworkBatch } from '../exposure/network-model';

export function projectFilters(_db: Database.Database, _eventSeq: number, _batch: FilterBatch): void {}

export function projectNetwork(_db: Database.Database, _eventSeq: number, _batch: NetworkBatch): void {}

export function clearExposureInputs(_db: Database.Database): void {}
