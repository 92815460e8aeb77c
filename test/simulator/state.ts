/** Everything a simulator instance remembers; POST /__sim/reset puts it all back. */
import { AddedActivities } from './activities';
import { SimClock } from './clock';
import { Counters, RequestLog } from './counters';
import { FaultTable } from './faults';
import { SsoService } from './sso';
import { TokenAuthority } from './tokens';

export class SimulatorState {
  readonly clock = new SimClock();
  readonly tokens = new TokenAuthority(this.clock);
  readonly sso = new SsoService(this.tokens);
  readonly added = new AddedActivities();
  readonly faults = new FaultTable();
  readonly counters = new Counters();
  readonly log = new RequestLog();

  reset(): void {
    this.clock.reset();
    this.tokens.reset();
    this.sso.reset();
    this.added.reset();
    this.faults.clear();
    this.counters.reset();
    this.log.clear();
  }
}
