/**
 * The IoT registry's things and static thing groups: the state model behind the things API and
 * what jobs target. Ids are derived from names (stable across restarts and runs).
 */
import { createHash } from 'node:crypto';
import { alreadyExists, invalidRequest, notFound } from './input';

export interface Thing {
  thingName: string;
  thingId: string;
  thingTypeName?: string;
  attributes: Record<string, string>;
  billingGroupName?: string;
  version: number;
  /** Static thing groups the thing is in, in the order it was added. */
  groups: string[];
}

export interface ThingGroup {
  thingGroupName: string;
  thingGroupId: string;
  description?: string;
  attributes: Record<string, string>;
  parentGroupName?: string;
  creationDate: number;
  version: number;
}

export interface RegistryStateJson {
  things: Thing[];
  groups: ThingGroup[];
}

export interface RegistryView {
  things: number;
  groups: { [groupName: string]: { things: number; parent: string | null } };
}

/** AWS IoT nests static groups at most 7 levels deep. */
const MAX_GROUP_DEPTH = 7;

const idOf = (kind: string, name: string) => {
  const h = createHash('sha256').update(`${kind}:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export class ThingRegistry {
  private readonly things = new Map<string, Thing>();
  private readonly groups = new Map<string, ThingGroup>();
  onChange: () => void = () => {};
  /** A thing joined a group (CONTINUOUS jobs on the group pick it up). */
  onThingAdded: (thingName: string, groupName: string) => void = () => {};

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly now: () => number = Date.now,
  ) {}

  thingArn(name: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:thing/${name}`;
  }

  groupArn(name: string): string {
    return `arn:aws:iot:${this.region}:${this.accountId}:thinggroup/${name}`;
  }

  /** CreateThing: the same name with the same attributes is no change; different ones are refused. */
  createThing(input: { thingName: string; thingTypeName?: string; attributes?: Record<string, string>; billingGroupName?: string }): Thing {
    const existing = this.things.get(input.thingName);
    if (existing) {
      const same = existing.thingTypeName === input.thingTypeName && sameMap(existing.attributes, input.attributes ?? {});
      if (same) return existing;
      throw alreadyExists(`Thing ${input.thingName} already exists with different attributes`, existing.thingId, this.thingArn(input.thingName));
    }
    const thing: Thing = {
      thingName: input.thingName,
      thingId: idOf('thing', input.thingName),
      ...(input.thingTypeName && { thingTypeName: input.thingTypeName }),
      attributes: { ...(input.attributes ?? {}) },
      ...(input.billingGroupName && { billingGroupName: input.billingGroupName }),
      version: 1,
      groups: [],
    };
    this.things.set(thing.thingName, thing);
    this.onChange();
    return thing;
  }

  createGroup(input: { thingGroupName: string; parentGroupName?: string; description?: string; attributes?: Record<string, string> }): ThingGroup {
    const existing = this.groups.get(input.thingGroupName);
    if (existing) {
      const same = existing.parentGroupName === input.parentGroupName && existing.description === input.description && sameMap(existing.attributes, input.attributes ?? {});
      if (same) return existing;
      throw alreadyExists(`Thing Group ${input.thingGroupName} already exists with different properties`, existing.thingGroupId, this.groupArn(input.thingGroupName));
    }
    if (input.parentGroupName !== undefined) {
      if (!this.groups.has(input.parentGroupName)) throw invalidRequest(`Parent thing group ${input.parentGroupName} does not exist`);
      if (this.ancestors(input.parentGroupName).length + 1 >= MAX_GROUP_DEPTH) throw invalidRequest(`Thing group hierarchy is limited to ${MAX_GROUP_DEPTH} levels`);
    }
    const group: ThingGroup = {
      thingGroupName: input.thingGroupName,
      thingGroupId: idOf('thinggroup', input.thingGroupName),
      ...(input.description !== undefined && { description: input.description }),
      attributes: { ...(input.attributes ?? {}) },
      ...(input.parentGroupName !== undefined && { parentGroupName: input.parentGroupName }),
      creationDate: this.now(),
      version: 1,
    };
    this.groups.set(group.thingGroupName, group);
    this.onChange();
    return group;
  }

  thing(name: string): Thing {
    const thing = this.things.get(name);
    if (!thing) throw notFound(`Thing ${name} cannot be found.`);
    return thing;
  }

  group(name: string): ThingGroup {
    const group = this.groups.get(name);
    if (!group) throw notFound(`Thing Group ${name} cannot be found.`);
    return group;
  }

  hasThing(name: string): boolean {
    return this.things.has(name);
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  allThings(): Thing[] {
    return [...this.things.values()];
  }

  /** Parent first, root last. */
  ancestors(groupName: string): string[] {
    const out: string[] = [];
    let parent = this.groups.get(groupName)?.parentGroupName;
    while (parent !== undefined) {
      out.push(parent);
      parent = this.groups.get(parent)?.parentGroupName;
    }
    return out;
  }

  addThingToGroup(thingName: string, groupName: string): void {
    const thing = this.thing(thingName);
    this.group(groupName);
    if (thing.groups.includes(groupName)) return;
    thing.groups.push(groupName);
    this.onChange();
    this.onThingAdded(thingName, groupName);
  }

  /** Things in the group, or (recursive) in it and its descendants, sorted by name. */
  thingsInGroup(groupName: string, recursive = false): string[] {
    this.group(groupName);
    const inGroup = (t: Thing) => t.groups.some((g) => g === groupName || (recursive && this.ancestors(g).includes(groupName)));
    return this.allThings()
      .filter(inGroup)
      .map((t) => t.thingName)
      .sort();
  }

  view(): RegistryView {
    const groups = [...this.groups.values()].sort((a, b) => (a.thingGroupName < b.thingGroupName ? -1 : 1));
    return {
      things: this.things.size,
      groups: Object.fromEntries(groups.map((g) => [g.thingGroupName, { things: this.thingsInGroup(g.thingGroupName).length, parent: g.parentGroupName ?? null }])),
    };
  }

  exportState(): RegistryStateJson {
    return { things: [...this.things.values()], groups: [...this.groups.values()] };
  }

  importState(state: RegistryStateJson): void {
    this.things.clear();
    this.groups.clear();
    for (const t of state.things) this.things.set(t.thingName, t);
    for (const g of state.groups) this.groups.set(g.thingGroupName, g);
  }
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
