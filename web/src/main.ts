/** The page: sign in, join a room, play. Uses the same SDK as every other client. */
import { mount } from './dom.js';
import { locale, t } from './i18n.js';
import { describeError } from './messages.js';
import { Session } from './session.js';
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
if (saved) {
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
