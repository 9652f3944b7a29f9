import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport';
import { basicCredentials } from './basic-credentials';
import { CredentialsService } from './credentials.service';
import { Principal } from './principal';

type Verified = (error: unknown, principal?: Principal | false) => void;

/**
 * HTTP Basic as a passport strategy on passport's own base class. Written
 * here rather than taken from passport-http: the hub parses the header itself
 * (`basicCredentials`: strictly, splitting on the first colon only), so all
 * passport-http still did was call `new Buffer()`, deprecated, which makes
 * Node capture a stack on each of the first 10,000 calls (about 1 % of a
 * payment's CPU in the profile; docs/decisions.md, "Cost per payment").
 */
class BasicHeaderStrategy extends Strategy {
  constructor(private readonly verify: (req: Request, done: Verified) => void) {
    super();
  }

  override authenticate(req: Request): void {
    this.verify(req, (error, principal) => {
      if (error) this.error(error);
      else if (principal) this.success(principal);
      else this.fail('Basic realm="qr"', 401);
    });
  }
}

/** HTTP Basic auth through passport (the 401 challenge); the username is the institution id (docs/protocol.md §3). */
@Injectable()
export class BasicStrategy extends PassportStrategy(BasicHeaderStrategy, 'basic') {
  constructor(private readonly credentials: CredentialsService) {
    super();
  }

  /** Anything that is not exactly a Basic credential with a user-id and a password is refused unchecked. */
  async validate(req: Request): Promise<Principal | false> {
    const basic = basicCredentials(req.headers.authorization);
    if (!basic || basic.username === '' || basic.password === '') return false;
    const principal = await this.credentials.authenticate(basic.username, basic.password, req.ip ?? 'unknown');
    return principal ?? false;
  }
}
