/** The credentials UI: the picker the inspector uses, and the create/edit dialog. */
export { CredentialFormDialog } from './credential-form-dialog.tsx';
export { CredentialPicker } from './credential-picker.tsx';
