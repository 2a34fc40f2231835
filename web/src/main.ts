/** The page: sign in, join a room, play. Uses the same SDK as every other client. */
import { mount } from './dom.js';
import { locale, t } from './i18n.js';
import { describeError } from './messages.js';
import { Session } from './session.js';
import { claimPage, codeFromPath, payPage } from './views/claim-page.js';
import { loginView } from './views/login.js';
import { roomView } from './views/room.js';
import { toast } from './views/toast.js';

const app = document.getElementById('app') as HTMLElement;
document.documentElement.lang = locale();
document.title = t('app.title');

async function enter(session: Session): Promise<void> {
  const snapshot = await session.client.join(session.saved.roomId);
  location.hash = session.saved.roomId;
  mount(
    app,
    roomView(session, snapshot, () => {
      session.client.close();
      Session.forget();
      location.reload();
    }),
  );
}

function showLogin(): void {
  mount(
    app,
    loginView(async (name, role, roomId) => {
      await enter(await Session.signIn(name, role, roomId));
    }),
  );
}

const saved = Session.load();
const scanned = codeFromPath(location.pathname);
if (scanned) {
  // A scanned QR code's short link: the phone page for it.
  (scanned.kind === 'claim' ? claimPage(app, scanned.code) : payPage(app, scanned.code)).catch(
    (err: unknown) => toast(describeError(err), 'error'),
  );
} else if (saved) {
  Session.connect({ ...saved, roomId: location.hash.slice(1) || saved.roomId })
    .then(enter)
    .catch((err: unknown) => {
      toast(describeError(err), 'error');
      Session.forget();
      showLogin();
    });
} else {
  showLogin();
}
