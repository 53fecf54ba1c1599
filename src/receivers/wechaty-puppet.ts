import { PuppetService } from 'wechaty-puppet-service';

/**
 * wechaty-puppet-service keeps a payload cache (LevelDB under $HOME/.wechaty) that it opens on
 * 'login' and closes on 'logout' without waiting for the close. After a reset — which is how the
 * watchdog reconnects — the new login comes within milliseconds, the open finds the old LOCK still
 * held, and LevelDB emits an OpenError that nothing can catch: the process dies. Reproduced with
 * 25 quick `puppet.reset()`s against PuppetMock. Opening and closing in turn removes the race.
 */
export class PuppetServiceWithSafeCache extends PuppetService {
  // `declare`: a field initialiser would run after super() and undo what hookPayloadStore set up
  declare private cacheTurn: Promise<void>;

  protected override hookPayloadStore(): void {
    this.cacheTurn = Promise.resolve();
    const inTurn = (step: () => Promise<void>) => {
      const done = this.cacheTurn.then(step);
      this.cacheTurn = done.catch(() => undefined);
      // failures go to the puppet's 'error' event, and from there to Wechaty's
      this.wrapAsync(done);
    };
    this.on('login', ({ contactId }) => inTurn(() => this._payloadStore.start(contactId)));
    this.on('logout', () => inTurn(() => this._payloadStore.stop()));
  }

  /** Resolves once the cache is closed after the last logout. */
  cacheIdle(): Promise<void> {
    return this.cacheTurn;
  }
}
