/** The frame of the pages seen before signing in: the logo and one centred card. */
import type { ReactNode } from 'react';
import { LogoIcon } from '../ui/icons.tsx';

export function AuthLayout({
  title,
  subtitle,
  children,
  testId,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className="auth-page" data-testid={testId}>
      <div className="auth-card">
        <div className="auth-card__brand">
          <span className="topbar__logo">
            <LogoIcon size={16} />
          </span>
          Patchbay
        </div>
        <h1 className="auth-card__title">{title}</h1>
        {subtitle && <p className="auth-card__subtitle">{subtitle}</p>}
        {children}
      </div>
    </div>
  );
}
