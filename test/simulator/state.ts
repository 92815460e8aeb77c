/** Everything a simulator instance remembers; POST /__sim/reset puts it all back. */
import { AccountRegistry } from './accounts';
import { ActivityStore } from './activity-store';
import { SimClock } from './clock';
import { Counters, RequestLog } from './counters';
import { DayOverrides } from './days';
import { DeviceUploads } from './device';
import { FaultTable } from './faults';
import { SsoService } from './sso';
import { SsoBlock } from './sso-block';
import { TokenAuthority } from './tokens';
import { WellnessState } from './wellness';

export class SimulatorState {
  readonly clock = new SimClock();
  readonly accounts = new AccountRegistry();
  readonly tokens = new TokenAuthority(this.clock, this.accounts);
  readonly sso = new SsoService(this.tokens, this.accounts);
  readonly ssoBlock = new SsoBlock();
  readonly activities = new ActivityStore();
  readonly days = new DayOverrides();
  readonly device = new DeviceUploads();
  readonly wellness = new WellnessState();
  readonly faults = new FaultTable();
  readonly counters = new Counters();
  readonly log = new RequestLog();

  reset(): void {
    this.clock.reset();
    this.accounts.reset();
    this.tokens.reset();
    this.sso.reset();
    this.ssoBlock.clear();
    this.activities.reset();
    this.days.reset();
    this.device.reset();
    this.wellness.reset();
    this.faults.clear();
    this.counters.reset();
    this.log.clear();
  }
}
