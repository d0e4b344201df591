/** What every configuration rule needs to know about a unit. */
import type { DeploymentUnit, EnvValue } from '../config/model.ts';
import type { SourceLocation } from '../findings/finding.ts';

export interface RuleContext {
  /** Release to judge against when the unit's image does not name one. */
  release?: string;
}

export interface UnitView {
  unit: DeploymentUnit;
  /** The unit's image tag wins over the run's release; undefined = unknown (judge with the newest behaviour). */
  release?: string;
  get(name: string): EnvValue | undefined;
  /** Set and known here (not an unresolved reference). */
  value(name: string): string | undefined;
  /** Lookup in Open WebUI's sense: undefined when unset; unresolved references count as set but unknown. */
  lookup(name: string): string | undefined;
  isUnresolved(name: string): boolean;
  location(name: string): SourceLocation;
}

export function viewOf(unit: DeploymentUnit, ctx: RuleContext): UnitView {
  const get = (name: string) => unit.env.get(name);
  const release = unit.openwebuiVersion ?? ctx.release;
  const view: UnitView = {
    unit,
    get,
    value: (name) => {
      const v = get(name);
      return v && v.unresolvedReference === undefined ? v.value : undefined;
    },
    lookup: (name) => get(name)?.value,
    isUnresolved: (name) => get(name)?.unresolvedReference !== undefined,
    location: (name) => get(name)?.location ?? unit.location,
  };
  if (release) view.release = release;
  return view;
}

/** "0.6.41" or "the newest release" for messages. */
export function releaseLabel(release: string | undefined): string {
  return release ? `Open WebUI ${release}` : 'the newest Open WebUI release (set openwebui-version or an image tag to judge an older one)';
}
