/*
 * How one workflow adds to another without the other knowing it. The extended workflow declares a
 * point in its api.ts (`extensionPoint<ClaimCheck>('reimbursements', 'claimChecks')`) and reads
 * what was added with `services.extensions.of(point)`; the extending workflow lists
 * `point.with(value)` in its `extends`. So the trip log's §3.4.5 check runs on every claim, yet
 * reimbursements never imports vehicles. compose() refuses an extension of a workflow that is not
 * installed.
 */

export interface ExtensionPoint<T> {
  /** The workflow that declares the point and reads it. */
  readonly owner: string;
  readonly name: string;
  /** This point with one value added to it, for a workflow's `extends` list. */
  with(value: T): Extension;
}

export interface Extension {
  readonly point: ExtensionPoint<unknown>;
  readonly value: unknown;
}

export function extensionPoint<T>(owner: string, name: string): ExtensionPoint<T> {
  const point: ExtensionPoint<T> = { owner, name, with: (value: T) => ({ point, value }) };
  return point;
}

const keyOf = (point: ExtensionPoint<unknown>) => `${point.owner}.${point.name}`;

/** Every value the installed workflows added, by point; in the order of the composition. */
export class Extensions {
  private readonly byPoint = new Map<string, unknown[]>();

  constructor(extensions: readonly Extension[] = []) {
    for (const e of extensions) {
      const key = keyOf(e.point);
      this.byPoint.set(key, [...(this.byPoint.get(key) ?? []), e.value]);
    }
  }

  of<T>(point: ExtensionPoint<T>): readonly T[] {
    // values are only ever added through point.with(value: T), so each list holds T
    return (this.byPoint.get(keyOf(point)) ?? []) as T[];
  }
}
