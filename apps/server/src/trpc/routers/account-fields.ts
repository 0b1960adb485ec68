/** Input fields shared by the auth, users and tokens routers. */
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../../auth/password.ts';
import { ROLES } from '../../auth/roles.ts';

export const emailField = z
  .string()
  .trim()
  .min(3, 'Enter an email address')
  .max(320, 'The email address is too long')
  .email('Enter a valid email address');

/** Length rules are checked by the services, so the message is the same everywhere. */
export const passwordField = z
  .string()
  .min(1, 'Enter a password')
  .max(MAX_PASSWORD_LENGTH, `The password must be at most ${MAX_PASSWORD_LENGTH} characters long`);

export const nameField = z.string().trim().max(200, 'The name is too long');

export const roleField = z.enum(ROLES, { error: `Role must be one of ${ROLES.join(', ')}` });

export const oneTimeTokenField = z.string().min(10, 'The link is incomplete').max(200);
