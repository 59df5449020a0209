import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { LoginResponse } from '@mld/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { DomainEvents } from '../events/domain-events.js';
import { TokensService } from '../tokens/tokens.service.js';
import { toUserResponse } from '../users/user.presenter.js';
import { UsersService } from '../users/users.service.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';

interface AccessTokenPayload {
  sub: string;
  role: string;
  /** The user's session_version at login; a password change bumps it (iat has only 1 s precision). */
  sv?: number;
  iat: number;
  exp: number;
}

export const API_TOKEN_PREFIX = 'mld_';

@Injectable()
export class AuthService {
  private readonly limiter: LoginRateLimiter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly hasher: PasswordHasher,
    private readonly events: DomainEvents,
  ) {
    this.limiter = new LoginRateLimiter(config.loginRateLimitPerMinute);
  }

  async login(username: string, password: string, clientIp: string): Promise<LoginResponse> {
    const wait = this.limiter.attempt(clientIp, username);
    if (wait > 0) throw DomainError.rateLimited(`too many failed logins; try again in ${wait} s`, wait);
    const user = await this.users.findByUsername(username);
    // Verify against a dummy hash for unknown users so timing does not reveal which usernames exist.
    const ok = user ? await this.hasher.verify(user.passwordHash, password) : (await this.users.verifyDummy(password), false);
    if (!user || !ok) throw new DomainError('UNAUTHENTICATED', 'wrong username or password');
    this.limiter.succeeded(clientIp, username);
    const access_token = await this.jwt.signAsync({ sub: user.id, role: user.role, sv: user.sessionVersion }, { expiresIn: this.config.jwtTtlSeconds });
    return { access_token, token_type: 'Bearer', expires_in: this.config.jwtTtlSeconds, user: toUserResponse(user) };
  }

  /** Resolves an Authorization header to a principal, or fails with UNAUTHENTICATED. */
  async authenticate(header: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new DomainError('UNAUTHENTICATED', 'missing "Authorization: Bearer <token>" header');
    const credential = match[1]!;
    if (credential.startsWith(API_TOKEN_PREFIX)) {
      const token = await this.tokens.findUsable(credential);
      if (!token) throw new DomainError('UNAUTHENTICATED', 'API token is unknown, revoked or expired');
      return { type: 'token', id: token.id, name: `token:${token.name}`, role: token.role };
    }
    let payload: AccessTokenPayload;
    try {
      payload = await this.jwt.verifyAsync<AccessTokenPayload>(credential);
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new DomainError('UNAUTHENTICATED', expired ? 'access token expired; log in again' : 'access token is invalid');
    }
    const user = await this.users.findById(payload.sub);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'the user of this access token no longer exists');
    // A password change ends every session opened before it, even within the same second:
    // a counter, not a timestamp. Tokens from before the counter existed carry none: they end too.
    if (payload.sv === undefined) throw new DomainError('UNAUTHENTICATED', 'access token from an older version of the service; log in again');
    if (payload.sv !== user.sessionVersion) {
      throw new DomainError('UNAUTHENTICATED', 'password changed since this login; log in again');
    }
    return { type: 'user', id: user.id, name: user.username, role: user.role };
  }

  async changeOwnPassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    if (principal.type !== 'user') throw new DomainError('FORBIDDEN', 'API tokens have no password; log in as a user');
    const user = await this.users.findById(principal.id);
    if (!user || !(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw DomainError.validation([{ field: 'current_password', message: 'current_password is wrong' }]);
    }
    await this.users.setPassword(user.id, newPassword);
    this.events.publish('auth.access_changed', { principal: 'user', id: user.id, change: 'password' });
  }

  /** When a login JWT stops being valid by itself (epoch ms); null for API tokens and garbage. */
  expiryOf(credential: string): number | null {
    if (credential.startsWith(API_TOKEN_PREFIX)) return null;
    const payload: unknown = this.jwt.decode(credential);
    const exp = (payload as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  }
}
