/**
 * The side stacks of a two-sided run: which are up, bringing one up (registered as up before
 * it starts, so a half-started side is taken down too), and taking them down — the side's own
 * teardown, or this checkout's teardown of its state dir should that fail (a broken ref).
 */
import type { BootstrapConfig } from '../../kernel/config.ts';
import type { SideInfo } from './record.ts';
import type { SideBuilder, SideEnv } from './side-builder.ts';
import type { Side } from './verdicts.ts';

export class SideStacks {
  private readonly up: Side[] = [];
  private readonly builder: SideBuilder;
  private readonly config: BootstrapConfig;
  private readonly side: (s: Side) => SideInfo;

  constructor(builder: SideBuilder, config: BootstrapConfig, side: (s: Side) => SideInfo) {
    this.builder = builder;
    this.config = config;
    this.side = side;
  }

  async bringUp(s: Side, ctx: SideEnv): Promise<void> {
    this.up.push(s);
    const info = this.side(s);
    ctx.log(`${s}: stack up (${this.builder.kind}, ${info.ref} ${info.sha.slice(0, 10)})…`);
    await this.builder.up(info.worktree, info.stateDir, ctx);
  }

  async takeDown(s: Side, ctx: Omit<SideEnv, 'signal'>): Promise<void> {
    const i = this.up.indexOf(s);
    if (i < 0) return;
    this.up.splice(i, 1);
    const info = this.side(s);
    try {
      await this.builder.down(info.worktree, info.stateDir, ctx);
    } catch (err) {
      ctx.log(
        `side teardown failed (${(err as Error).message}); tearing down ${info.stateDir} from this checkout`,
      );
      // Loaded only on this fallback path: the providers are a heavy import.
      const { teardownStack } = await import('../../stack/down.ts');
      await teardownStack({
        config: { ...this.config, stateDir: info.stateDir },
        wipeData: true,
        full: true,
        quiet: true,
      });
    }
  }

  async takeAllDown(ctx: Omit<SideEnv, 'signal'>): Promise<void> {
    for (const s of [...this.up]) await this.takeDown(s, ctx);
  }
}
