/** Transient notifications. UI-only state, so a tiny zustand store rather than a context. */
import { create } from 'zustand';

export type ToastTone = 'info' | 'success' | 'warning' | 'error';

export type Toast = {
  id: number;
  tone: ToastTone;
  title: string;
  detail?: string;
  link?: { href: string; label: string };
};

type ToastState = {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>): void;
  dismiss(id: number): void;
};

let nextId = 1;
const DISMISS_AFTER_MS = 5_000;

export const useToastStore = create<ToastState>()((set, get) => ({
  toasts: [],
  push(toast) {
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts.slice(-3), { ...toast, id }] }));
    setTimeout(
      () => get().dismiss(id),
      toast.tone === 'error' || toast.tone === 'warning' ? DISMISS_AFTER_MS * 2 : DISMISS_AFTER_MS,
    );
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
}));

export const toast = (t: Omit<Toast, 'id'>) => useToastStore.getState().push(t);
