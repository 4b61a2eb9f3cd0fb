/** A custom from address of an account (what a campaign may be sent from). */
export interface CustomFromAddress {
  id: number;
  email: string;
  createdAt: number;
}
