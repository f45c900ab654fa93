/** The client side of the sim's mutant switch (sim/shared/mutant-switch.ts), through the API. */
import { request } from 'undici';
import type { MutantCoverage } from './selection.ts';

interface SwitchAnswer {
  active: string | null;
  coverage: MutantCoverage;
  runner?: SwitchAnswer;
}

export class SimSwitch {
  private readonly apiUrl: string;
  private readonly apiKey: string;

  constructor(apiUrl: string, apiKey: string) {
    this.apiUrl = apiUrl;
    this.apiKey = apiKey;
  }

  private async call(method: 'GET' | 'POST', query: string, json?: unknown): Promise<SwitchAnswer> {
    const res = await request(`${this.apiUrl}/_sim/mutant${query}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      headersTimeout: 15_000,
      bodyTimeout: 60_000,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`mutant switch answered ${res.statusCode}: ${text}`);
    return JSON.parse(text) as SwitchAnswer;
  }

  /** Switches both processes to `id` (null: none) and checks that both took it. */
  async activate(id: string | null): Promise<void> {
    const a = await this.call('POST', '', { id });
    if (a.active !== id || a.runner?.active !== id)
      throw new Error(`mutant switch: asked for ${id}, API has ${a.active}, runner ${a.runner?.active}`);
  }

  /** Both processes' coverage so far. */
  async coverage(): Promise<MutantCoverage[]> {
    const a = await this.call('GET', '');
    return a.runner ? [a.coverage, a.runner.coverage] : [a.coverage];
  }
}
