/**
 * The signed-in user at the top right: account, API tokens, admin pages, the keyboard map and
 * sign out.
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { useCan, useSessionUser } from '../auth/session.ts';
import { requestSignOut } from '../auth/sign-in-request.ts';
import {
  ChevronDownIcon,
  KeyboardIcon,
  KeyIcon,
  ListIcon,
  LogOutIcon,
  ShieldIcon,
  UserIcon,
  UsersIcon,
} from '../ui/icons.tsx';
import { KEYBOARD_MAP_KEY } from '../ui/keyboard-map.ts';

export function UserMenu({ onShowKeyboardMap }: { onShowKeyboardMap: () => void }) {
  const me = useSessionUser();
  const isAdmin = useCan('admin');
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const signOut = async () => {
    await requestSignOut();
    // A full reload drops every cached answer of the previous user.
    window.location.assign('/');
  };

  const close = () => setOpen(false);
  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="user-menu__button"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="user-menu"
        onClick={() => setOpen((value) => !value)}
      >
        <span className="user-menu__avatar">
          <UserIcon size={14} />
        </span>
        <span className="user-menu__name" data-testid="signed-in-user">
          {me.name ?? me.email}
        </span>
        <span className="chip chip--muted" data-testid="signed-in-role">
          {me.role}
        </span>
        <ChevronDownIcon size={14} />
      </button>
      {open && (
        <div className="user-menu__panel" role="menu">
          <div className="user-menu__who">
            <div>{me.email}</div>
            <div className="muted small">Signed in as {me.role}</div>
          </div>
          <Link href="/account" className="user-menu__item" role="menuitem" onClick={close}>
            <UserIcon size={14} /> Account
          </Link>
          <Link
            href="/tokens"
            className="user-menu__item"
            role="menuitem"
            data-testid="nav-tokens"
            onClick={close}
          >
            <KeyIcon size={14} /> API tokens
          </Link>
          <Link
            href="/credentials"
            className="user-menu__item"
            role="menuitem"
            data-testid="nav-credentials"
            onClick={close}
          >
            <ShieldIcon size={14} /> Credentials
          </Link>
          {isAdmin && (
            <>
              <Link
                href="/users"
                className="user-menu__item"
                role="menuitem"
                data-testid="nav-users"
                onClick={close}
              >
                <UsersIcon size={14} /> Users
              </Link>
              <Link
                href="/audit"
                className="user-menu__item"
                role="menuitem"
                data-testid="nav-audit"
                onClick={close}
              >
                <ListIcon size={14} /> Audit log
              </Link>
            </>
          )}
          <button
            type="button"
            className="user-menu__item"
            role="menuitem"
            data-testid="show-keyboard-map"
            onClick={() => {
              close();
              onShowKeyboardMap();
            }}
          >
            <KeyboardIcon size={14} /> Keyboard shortcuts
            <kbd className="user-menu__hint">{KEYBOARD_MAP_KEY}</kbd>
          </button>
          <button
            type="button"
            className="user-menu__item"
            role="menuitem"
            data-testid="sign-out"
            onClick={() => void signOut()}
          >
            <LogOutIcon size={14} /> Sign out
          </button>
        </div>
      )}
    </div>
  );
}
