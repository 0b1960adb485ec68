/**
 * Whether the node picker is open and what a choice will do: add a node beside the selection,
 * or (after a connection was dropped on empty canvas) add it there, connected to that output.
 * Editor UI state, kept out of the editor store so it never becomes an undo step.
 */
import type { XYPosition } from '@xyflow/react';
import { create } from 'zustand';
import type { NodeSource } from './editor-store.ts';

export type NodePickerRequest =
  | { kind: 'add' }
  | {
      kind: 'connect';
      from: NodeSource;
      /** Where the connection was dropped, in flow coordinates (the new node goes here). */
      at: XYPosition;
      /** The same point on screen (the picker opens beside it). */
      screen: XYPosition;
    };

type NodePickerState = {
  request: NodePickerRequest | null;
  open(request: NodePickerRequest): void;
  close(): void;
};

export const useNodePicker = create<NodePickerState>()((set) => ({
  request: null,
  open: (request) => set({ request }),
  close: () => set({ request: null }),
}));

export const openNodePicker = (request: NodePickerRequest = { kind: 'add' }): void =>
  useNodePicker.getState().open(request);
