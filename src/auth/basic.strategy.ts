import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { BasicStrategy as PassportBasicStrategy } from 'passport-http';
import { basicCredentials } from './basic-credentials';
import { CredentialsService } from './credentials.service';
import { Principal } from './principal';

/** HTTP Basic auth through passport (the 401 challenge); the username is the institution id (docs/protocol.md §3). */
@Injectable()
export class BasicStrategy extends PassportStrategy(PassportBasicStrategy, 'basic') {
  constructor(private readonly credentials: CredentialsService) {
    super({ passReqToCallback: true, realm: 'qr' });
  }

  /**
   * passport-http's own split of the header is not used (see
   * `basicCredentials`): the header is parsed again, strictly, and anything
   * that is not exactly a Basic credential is refused.
   */
  async validate(req: Request): Promise<Principal | false> {
    const basic = basicCredentials(req.headers.authorization);
    if (!basic) return false;
    const principal = await this.credentials.authenticate(basic.username, basic.password, req.ip ?? 'unknown');
    return principal ?? false;
  }
}
